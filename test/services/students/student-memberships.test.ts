/**
 * A student's access follows ALL their memberships (issue 17), at database level with an
 * injected clock: any membership that grants access keeps the student in and opens the courses
 * of its product; one ending closes only its own product's courses; an older change of one
 * membership never overrides a newer one of it, while another membership's change is judged on
 * its own; the student row summarises the leading membership.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { insertVideo } from '../../support/videos.ts';
import { createStudentCourseView } from '../../../src/services/courses/student-course-view.ts';
import { createCourseCatalog } from '../../../src/services/courses/course-catalog.ts';
import { toMembership } from '../../../src/services/whop/whop-shapes/index.ts';
import { nestedMembership } from '../../fixtures/whop/memberships.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-09T12:00:00Z');
const A = 'prod_alpha';
const B = 'prod_beta';
const USER = 'user_holder';

describe('a student’s access follows all their memberships (database level)', () => {
  // A Pro creator made afresh before each test, on a clock that stands at T0 until a test moves it.
  const bed = useRuleTestBed(T0, { creatorTier: 'pro' });
  let aOnly: number;
  let bOnly: number;
  let open: number;
  const students = () => bed.rules.students;
  const courses = () => bed.app.runtime.deps.services.courses;
  const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) =>
    bed.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

  /** A published course of one lesson, open to `product` only. */
  async function course(title: string, videoId: number, product: string): Promise<number> {
    const [row] = await sql<{ id: number }>(
      `INSERT INTO courses (creator_id, title, status, all_products) VALUES (:creatorId, :title, 'published', false) RETURNING id`,
      { creatorId: bed.creator.id, title },
    );
    await sql('INSERT INTO course_products (course_id, whop_product_id) VALUES (:id, :product) RETURNING 1', {
      id: row!.id,
      product,
    });
    const [mod] = await sql<{ id: number }>(
      `INSERT INTO course_modules (course_id, title, position) VALUES (:id, 'Module', 1) RETURNING id`,
      { id: row!.id },
    );
    await sql(
      `INSERT INTO course_lessons (module_id, video_id, title, position) VALUES (:moduleId, :videoId, 'Lesson', 1) RETURNING 1`,
      { moduleId: mod!.id, videoId },
    );
    return row!.id;
  }

  beforeEach(async () => {
    open = await insertVideo(bed.sequelize, bed.creator.id, { title: 'Open', position: 1 });
    aOnly = await insertVideo(bed.sequelize, bed.creator.id, { title: 'A only', position: 2 });
    bOnly = await insertVideo(bed.sequelize, bed.creator.id, { title: 'B only', position: 3 });
    await course('Alpha course', aOnly, A);
    await course('Beta course', bOnly, B);
  });

  const membership = (id: string, product: string, status: string, at: number, created = T0 - DAY) =>
    toMembership({
      ...nestedMembership({
        id,
        company: bed.creator.whopCompanyId,
        product,
        user: USER,
        status,
        createdAt: new Date(created),
        updatedAt: new Date(at),
      }),
      manage_url: `https://whop.com/orders/${id}/manage`,
    });
  const apply = (id: string, product: string, status: string, at: number, created?: number) =>
    students().applyMembership(bed.creator.id, membership(id, product, status, at, created));
  const student = async () =>
    (await bed.models.Student.findOne({ where: { creatorId: bed.creator.id, whopUserId: USER } }))!;
  /** What the student watches: the media statement and the list, which must agree. */
  const plays = async (videoId: number) => {
    const media = await courses().permittedMedia({ whopUserId: USER, creatorId: null }, videoId);
    const access = await courses().accessTo({ whopUserId: USER, creatorId: null }, bed.creator);
    const listed =
      access.kind !== 'refused' &&
      (await courses().watchableVideos(bed.creator.id, access)).some((v) => v.id === videoId);
    expect(Boolean(media), `media and list agree on video ${videoId}`).to.equal(listed);
    return listed;
  };
  const openCourses = async () => {
    const view = createStudentCourseView({
      sequelize: bed.sequelize,
      catalog: createCourseCatalog({ sequelize: bed.sequelize }),
    });
    const s = await student();
    return ((await view.openCourses(bed.creator.id, { kind: 'student', userId: s.id, whopUserId: USER })) ?? []).map(
      (c) => c.title,
    );
  };

  it('holding A then buying B: both products’ courses open, none is lost', async () => {
    await apply('mem_a', A, 'active', T0);
    expect(await plays(aOnly)).to.equal(true);
    expect(await plays(bOnly)).to.equal(false);
    await apply('mem_b', B, 'active', T0 + 1000, T0);
    expect(await plays(aOnly), 'A-only still plays after buying B').to.equal(true);
    expect(await plays(bOnly)).to.equal(true);
    expect(await plays(open)).to.equal(true);
    expect(await openCourses()).to.deep.equal(['Alpha course', 'Beta course']);
    const s = await student();
    expect(s.status).to.equal('active');
    // The summary names the membership that joined first, which holds the student's seat.
    expect([s.whopMembershipId, s.whopProductId, s.joinedAt.getTime()]).to.deep.equal(['mem_a', A, T0 - DAY]);
  });

  it('A and B, then B ends: the student stays active, A-only stays open, B-only closes', async () => {
    await apply('mem_a', A, 'active', T0);
    await apply('mem_b', B, 'active', T0 + 1000, T0);
    const ended = await apply('mem_b', B, 'canceled', T0 + 2000, T0);
    expect(ended.change, 'another membership keeps the student in').to.equal('unchanged');
    expect(ended.status).to.equal('active');
    expect((await student()).status).to.equal('active');
    expect(await plays(aOnly)).to.equal(true);
    expect(await plays(bOnly)).to.equal(false);
    expect(await openCourses()).to.deep.equal(['Alpha course']);
    // The refusal of the B video offers B's renew link (the ended membership of the product that opens it).
    const s = await student();
    expect(await courses().renewUrlFor(s.id, [B])).to.equal('https://whop.com/orders/mem_b/manage');
    expect(await courses().renewUrlFor(s.id, [A]), 'A has not ended').to.equal(null);
  });

  it('the student goes inactive only when no membership grants access any more; the summary is the latest ended one', async () => {
    await apply('mem_a', A, 'active', T0);
    await apply('mem_b', B, 'active', T0 + 1000, T0);
    await apply('mem_a', A, 'expired', T0 + 2000);
    expect((await student()).status).to.equal('active');
    expect(await plays(bOnly)).to.equal(true);
    expect(await plays(aOnly)).to.equal(false);
    const last = await apply('mem_b', B, 'canceled', T0 + 3000, T0);
    expect([last.change, last.previousStatus, last.status]).to.deep.equal(['updated', 'active', 'inactive']);
    const s = await student();
    expect([s.status, s.whopMembershipId, s.membershipStatus, s.manageUrl]).to.deep.equal([
      'inactive',
      'mem_b',
      'canceled',
      'https://whop.com/orders/mem_b/manage',
    ]);
    const refused = await courses().accessTo({ whopUserId: USER, creatorId: null }, bed.creator);
    expect(refused).to.deep.include({ kind: 'refused', refusal: 'ended' });
    expect(refused.kind === 'refused' && refused.renewUrl).to.equal('https://whop.com/orders/mem_b/manage');
  });

  it('an older change of one membership never overrides a newer one of it; another membership is judged on its own', async () => {
    await apply('mem_b', B, 'active', T0 + 5000, T0);
    // A's event is older than B's: once it was "stale" against the student row; it is A's first.
    expect((await apply('mem_a', A, 'active', T0 + 1000)).change).to.equal('updated');
    expect(await plays(aOnly)).to.equal(true);
    await apply('mem_a', A, 'canceled', T0 + 3000);
    expect((await apply('mem_a', A, 'active', T0 + 2000)).change, 'older than what is stored of A').to.equal('stale');
    expect(await plays(aOnly)).to.equal(false);
    expect((await apply('mem_b', B, 'canceled', T0 + 4000, T0)).change).to.equal('stale');
    expect(await plays(bOnly)).to.equal(true);
    expect((await student()).status).to.equal('active');
  });

  it('a past_due membership keeps its product open for its grace period only, another one keeps the student in', async () => {
    await apply('mem_a', A, 'active', T0);
    await apply('mem_b', B, 'past_due', T0 + 1000, T0);
    expect(await plays(bOnly), 'within the grace period').to.equal(true);
    bed.clock.set(T0 + 3 * DAY + 1000);
    expect(await students().expireGracePeriods(), 'nobody lost access to the creator').to.equal(0);
    expect(await plays(bOnly)).to.equal(false);
    expect(await plays(aOnly)).to.equal(true);
    expect((await student()).status).to.equal('active');
  });

  it('deleting one membership keeps the student in through another and closes only its product', async () => {
    await apply('mem_a', A, 'active', T0);
    await apply('mem_b', B, 'active', T0 + 1000, T0);
    const deleted = await students().archiveMembership(bed.creator.id, membership('mem_b', B, 'canceled', T0 + 2000));
    expect(deleted.outcome).to.equal('kept');
    expect(await plays(bOnly)).to.equal(false);
    expect(await plays(aOnly)).to.equal(true);
    expect(
      (await students().archiveMembership(bed.creator.id, membership('mem_a', A, 'canceled', T0 + 3000))).outcome,
    ).to.equal('archived');
    expect((await student()).status).to.equal('archived');
  });

  it('lists for the product choice every product the creator’s students hold', async () => {
    await apply('mem_a', A, 'active', T0);
    await apply('mem_b', B, 'canceled', T0 + 1000, T0);
    const products = bed.app.runtime.deps.services.courseProducts;
    const listed = await products.list({ id: bed.creator.id, whopCompanyId: 'biz_not_on_whop_at_all' });
    expect(listed.products.map((p) => p.id)).to.include.members([A, B]);
  });
});
