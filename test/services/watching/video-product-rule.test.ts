/**
 * The product rule at database level (video-product-rule.ts, applied by course-access-service):
 * a video held only by published courses restricted to other products is not watchable by a
 * student of another product — not in the media statement, not in the lists, not for progress —
 * while a video in no published course, in an all-products course, or only in a draft follows
 * the creator-wide rule; the tier does not matter; the creator always previews.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { makeFactories } from '../../support/factories.ts';
import { insertVideo } from '../../support/videos.ts';
import type { Creator } from '../../../src/models/creator-model.ts';
import type { StudentStatus } from '../../../src/models/student-model.ts';
import { holdMembership } from '../../support/student-memberships.ts';

describe('the product rule: which members may watch a video (database level)', () => {
  let t: TestApp;
  let creator: Creator;
  const courses = () => t.runtime.deps.services.courses;
  const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) =>
    t.runtime.deps.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    creator = await makeFactories(t.runtime.deps.models).creator({ tier: 'basic' });
  });

  /** A course of `creator` holding `videoIds` (one module); `products` null: all products. */
  async function course(
    title: string,
    videoIds: number[],
    opts: { products: string[] | null; status?: 'draft' | 'published' },
  ): Promise<number> {
    const [row] = await sql<{ id: number }>(
      `INSERT INTO courses (creator_id, title, status, all_products) VALUES (:creatorId, :title, :status, :all) RETURNING id`,
      { creatorId: creator.id, title, status: opts.status ?? 'published', all: opts.products === null },
    );
    const courseId = row!.id;
    for (const product of opts.products ?? [])
      await sql('INSERT INTO course_products (course_id, whop_product_id) VALUES (:courseId, :product) RETURNING 1', {
        courseId,
        product,
      });
    const [mod] = await sql<{ id: number }>(
      `INSERT INTO course_modules (course_id, title, position) VALUES (:courseId, 'Module', 1) RETURNING id`,
      { courseId },
    );
    let position = 0;
    for (const videoId of videoIds) {
      position += 1;
      await sql(
        `INSERT INTO course_lessons (module_id, video_id, title, position) VALUES (:moduleId, :videoId, 'Lesson', :position) RETURNING 1`,
        { moduleId: mod!.id, videoId, position },
      );
    }
    return courseId;
  }

  async function student(whopUserId: string, productId: string | null, status: StudentStatus = 'active') {
    const row = await t.runtime.deps.models.Student.create({
      creatorId: creator.id,
      whopUserId,
      whopMembershipId: `mem_${whopUserId}`,
      whopProductId: productId,
      status,
      membershipStatus: status === 'inactive' ? 'expired' : 'active',
      membershipUpdatedAt: new Date(),
    });
    await holdMembership(t.runtime.deps.sequelize, {
      studentId: row.id,
      membershipId: `mem_${whopUserId}`,
      productId,
      grantsAccess: status === 'active' || status === 'over_limit',
    });
    return row.id;
  }

  const media = (whopUserId: string, videoId: number, creatorId: number | null = null) =>
    courses().permittedMedia({ whopUserId, creatorId }, videoId);
  const watchable = async (whopUserId: string) => {
    const access = await courses().accessTo({ whopUserId, creatorId: null }, creator);
    if (access.kind === 'refused') throw new Error(`${whopUserId} refused: ${access.reason}`);
    return (await courses().watchableVideos(creator.id, access)).map((v) => v.id);
  };
  const video = (id: number) => ({ id, creatorId: creator.id });

  it('a video only in a course restricted to product B: B holders watch it, A holders and the product-less do not', async () => {
    const open = await insertVideo(t.runtime.deps.sequelize, creator.id, { title: 'Open', position: 1 });
    const bOnly = await insertVideo(t.runtime.deps.sequelize, creator.id, { title: 'B only', position: 2 });
    await course('B course', [bOnly], { products: ['prod_b'] });
    const a = await student('user_a', 'prod_a');
    const b = await student('user_b', 'prod_b');
    await student('user_none', null);

    expect(await media('user_a', bOnly)).to.equal(null);
    expect(await media('user_none', bOnly)).to.equal(null);
    expect(await media('user_b', bOnly)).to.include({ status: 'ready' });
    expect(await media('user_a', open)).to.include({ status: 'ready' });
    expect(await media('user_owner', bOnly, creator.id), 'the creator previews').to.include({ status: 'ready' });

    expect(await watchable('user_a')).to.deep.equal([open]);
    expect(await watchable('user_b')).to.deep.equal([open, bOnly]);
    expect(await courses().watchableVideos(creator.id, { kind: 'owner' })).to.have.length(2);

    expect(await courses().productOpens(video(bOnly), a)).to.equal(false);
    expect(await courses().productOpens(video(bOnly), null)).to.equal(false);
    expect(await courses().productOpens(video(bOnly), b)).to.equal(true);
    expect(await courses().productOpens(video(open), a)).to.equal(true);
  });

  it('a video also in a published course open to all products follows the creator-wide rule', async () => {
    const shared = await insertVideo(t.runtime.deps.sequelize, creator.id);
    await course('B course', [shared], { products: ['prod_b'] });
    await course('Everyone', [shared], { products: null });
    await student('user_a', 'prod_a');
    expect(await media('user_a', shared)).to.include({ status: 'ready' });
    expect(await watchable('user_a')).to.deep.equal([shared]);
    expect(await courses().restrictingCourses(video(shared))).to.have.length(1);
  });

  it('draft courses neither open nor close a video', async () => {
    const drafted = await insertVideo(t.runtime.deps.sequelize, creator.id);
    const courseId = await course('B draft', [drafted], { products: ['prod_b'], status: 'draft' });
    await student('user_a', 'prod_a');
    expect(await media('user_a', drafted)).to.include({ status: 'ready' });
    expect(await courses().restrictingCourses(video(drafted))).to.deep.equal([]);

    await sql(`UPDATE courses SET status = 'published' WHERE id = :courseId RETURNING 1`, { courseId });
    expect(await media('user_a', drafted)).to.equal(null);
  });

  it('a video in several restricted courses opens for a holder of any of their products, and the refusal lists them', async () => {
    const both = await insertVideo(t.runtime.deps.sequelize, creator.id);
    const first = await course('B course', [both], { products: ['prod_b'] });
    const second = await course('C course', [both], { products: ['prod_c', 'prod_d'] });
    await student('user_c', 'prod_c');
    await student('user_a', 'prod_a');
    expect(await media('user_c', both)).to.include({ status: 'ready' });
    expect(await media('user_a', both)).to.equal(null);
    expect(await courses().restrictingCourses(video(both))).to.deep.equal([
      { id: first, title: 'B course', productIds: ['prod_b'] },
      { id: second, title: 'C course', productIds: ['prod_c', 'prod_d'] },
    ]);
  });

  it('keeps restricting after a downgrade below Basic (published courses stay readable, and so does their choice)', async () => {
    const bOnly = await insertVideo(t.runtime.deps.sequelize, creator.id);
    await course('B course', [bOnly], { products: ['prod_b'] });
    await student('user_a', 'prod_a');
    await student('user_b', 'prod_b');
    await sql(`UPDATE creators SET tier = 'free' WHERE id = :id RETURNING 1`, { id: creator.id });
    expect(await media('user_a', bOnly)).to.equal(null);
    expect(await media('user_b', bOnly)).to.include({ status: 'ready' });
  });

  it('the product never lets in a student without access to the creator', async () => {
    const bOnly = await insertVideo(t.runtime.deps.sequelize, creator.id);
    await course('B course', [bOnly], { products: ['prod_b'] });
    await student('user_ended', 'prod_b', 'inactive');
    await student('user_waiting', 'prod_b', 'over_limit');
    expect(await media('user_ended', bOnly)).to.equal(null);
    expect(await media('user_waiting', bOnly)).to.equal(null);
    expect(await media('user_stranger', bOnly)).to.equal(null);
  });
});
