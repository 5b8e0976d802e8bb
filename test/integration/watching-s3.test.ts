/**
 * Watching with media on S3: the media route is still authorised per request, then answers a
 * 302 to a presigned GET that lives at most 5 minutes (and is not cached), the presigned URL
 * really serves the bytes, a video of a course restricted to another product is refused before
 * any redirect (the product rule), and the player page's CSP lets `<video>` follow the redirect to the
 * bucket's origin and nowhere else.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { onboard } from '../support/onboarding.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { TestBrowser } from '../support/test-browser.ts';
import { playableVideo, SAMPLE_WEBM } from '../support/media-fixtures.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';
import type { Video } from '../../src/models/video-model.ts';

describe('watching with media on S3', function () {
  this.timeout(60_000);
  let s3: TestS3Server;
  let t: ChronosWithSandbox;
  let student: TestBrowser;
  let video: Video;
  const url = (path: string) => `${t.appUrl}${path}`;

  before(async () => {
    s3 = await startS3Server();
    t = await startChronosWithSandbox({
      env: {
        STORAGE: 's3',
        S3_BUCKET: s3.bucket,
        S3_REGION: s3.region,
        S3_ENDPOINT: s3.endpoint,
        S3_FORCE_PATH_STYLE: 'on',
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      },
    });
    await cleanTables(t.runtime.deps.sequelize);
    await onboard(t, await t.signIn('user_creator_free'), 'biz_creator1');
    const creator = await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } });
    const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
    video = await playableVideo(deps, creator!.id, { title: 'On S3' });
    student = await t.signIn('user_student1');
  });
  after(async () => {
    await t?.close();
    await s3?.close();
  });

  it('redirects a student to a presigned GET of at most 300 s that serves the video', async () => {
    const response = await student.get(url(`/media/videos/${video.id}`));
    expect(response.status).to.equal(302);
    expect(response.headers.get('cache-control')).to.equal('no-store');
    const target = new URL(response.location!);
    expect(target.origin).to.equal(new URL(s3.endpoint).origin);
    expect(Number(target.searchParams.get('X-Amz-Expires'))).to.be.within(1, 300);
    const bytes = await fetch(target);
    expect(bytes.status).to.equal(200);
    expect(Buffer.from(await bytes.arrayBuffer()).equals(SAMPLE_WEBM)).to.equal(true);
  });

  it('checks access before any redirect', async () => {
    expect((await new TestBrowser().get(url(`/media/videos/${video.id}`))).status).to.equal(401);
    const outsider = await t.signIn('user_creator_pro');
    const refused = await outsider.get(url(`/media/videos/${video.id}`));
    expect(refused.status).to.equal(403);
    expect(refused.location).to.equal(undefined);
  });

  it('refuses a video of a course restricted to another product before any redirect, and redirects once it opens', async () => {
    const sql = (query: string, replacements: Record<string, unknown>) =>
      t.runtime.deps.sequelize.query(query, { replacements, type: QueryTypes.SELECT });
    const [course] = (await sql(
      `INSERT INTO courses (creator_id, title, status, all_products) VALUES (:creatorId, 'Other product', 'published', false) RETURNING id`,
      { creatorId: video.creatorId },
    )) as { id: number }[];
    await sql(
      `INSERT INTO course_products (course_id, whop_product_id) VALUES (:id, 'prod_other') RETURNING 1`,
      course!,
    );
    const [mod] = (await sql(
      `INSERT INTO course_modules (course_id, title, position) VALUES (:id, 'Module', 1) RETURNING id`,
      course!,
    )) as { id: number }[];
    await sql(
      `INSERT INTO course_lessons (module_id, video_id, title, position) VALUES (:moduleId, :videoId, 'Lesson', 1) RETURNING 1`,
      { moduleId: mod!.id, videoId: video.id },
    );
    try {
      const refused = await student.get(url(`/media/videos/${video.id}`));
      expect(refused.status).to.equal(403);
      expect(refused.location).to.equal(undefined);
      // student1 holds prod_course1: the course opens for it once the creator adds it.
      await sql(
        `INSERT INTO course_products (course_id, whop_product_id) VALUES (:id, 'prod_course1') RETURNING 1`,
        course!,
      );
      expect((await student.get(url(`/media/videos/${video.id}`))).status).to.equal(302);
    } finally {
      await sql('DELETE FROM courses WHERE id = :id RETURNING 1', course!);
    }
  });

  it('lets the player page load media from the bucket’s origin, and only from there', async () => {
    const page = await student.get(url(`/courses/biz_creator1/videos/${video.id}`));
    const csp = page.headers.get('content-security-policy') ?? '';
    const mediaSrc = csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('media-src '));
    expect(mediaSrc).to.equal(`media-src 'self' ${new URL(s3.endpoint).origin}`);
  });
});
