/**
 * Watching, members only: the course page, the player and the media route answer each kind of
 * visitor as SPEC §4 says — signed out 401 with a sign-in link back, another creator's student
 * 403, an ended membership 403 with Whop's renew link (stored from the membership webhook), an
 * over-limit student 403 with the reason, an active student 200, the creator's own preview 200 —
 * and the media route serves one byte range per request, 404 for deleted or unready videos.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { onboard } from '../support/onboarding.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { TestBrowser } from '../support/test-browser.ts';
import { playableVideo, SAMPLE_WEBM } from '../support/media-fixtures.ts';
import { until } from '../support/wait.ts';
import type { Video } from '../../src/models/video-model.ts';

describe('watching: course pages and media, members only', function () {
  this.timeout(60_000);
  let t: ChronosWithSandbox;
  const browsers: Record<'creator' | 'student' | 'ended' | 'overLimit' | 'otherStudent', TestBrowser> = {} as never;
  let first: Video;
  let second: Video;
  let otherCreatorsVideo: Video;
  let renewUrl: string;

  const url = (path: string) => `${t.appUrl}${path}`;
  const studentRow = (whopUserId: string) =>
    t.runtime.deps.models.Student.findOne({ where: { whopUserId }, include: [{ association: 'creator' }] });

  /** A new sandbox user with a `product` membership, delivered and applied; returns the user and membership. */
  async function member(username: string, product: string): Promise<{ user: string; membership: string }> {
    const user = await t.control.createUser(username);
    const membership = await t.control.createMembership(user, product);
    await until(
      async () => {
        await t.drain();
        return (await t.runtime.deps.models.Student.count({ where: { whopUserId: user } })) > 0;
      },
      { what: `the membership of ${username} arriving`, intervalMs: 50 },
    );
    return { user, membership };
  }

  before(async () => {
    t = await startChronosWithSandbox();
    // The run's database is shared by the tests of this worker: start from empty tables.
    await cleanTables(t.runtime.deps.sequelize);
    const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
    browsers.creator = await t.signIn('user_creator_free');
    await onboard(t, browsers.creator, 'biz_creator1');
    const creatorPro = await t.signIn('user_creator_pro');
    await onboard(t, creatorPro, 'biz_creator2');
    const { Creator } = t.runtime.deps.models;
    const creator1 = (await Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } }))!;
    const creator2 = (await Creator.findOne({ where: { whopCompanyId: 'biz_creator2' } }))!;
    second = await playableVideo(deps, creator1.id, { title: 'Second lesson', position: 2 });
    first = await playableVideo(deps, creator1.id, { title: 'First lesson', position: 1 });
    otherCreatorsVideo = await playableVideo(deps, creator2.id, { title: 'Pro lesson' });

    browsers.student = await t.signIn('user_student1');

    // user_student2's membership ends on Whop: the webhook makes them inactive and keeps manage_url.
    const memberships = await t.control.memberships();
    const ending = memberships.find((m) => m.user.id === 'user_student2' && m.product.id === 'prod_course1')!;
    await t.control.setStatus(ending.id, 'expired');
    await until(
      async () => {
        await t.drain();
        return (await studentRow('user_student2'))?.status === 'inactive';
      },
      { what: 'the expiry webhook applied', intervalMs: 50 },
    );
    renewUrl = (await studentRow('user_student2'))!.manageUrl!;
    browsers.ended = await t.signIn('user_student2');

    const overLimit = await member('overlimitpupil', 'prod_course1');
    // Reaching the free tier's 10 students takes 9 more members; the status is what the rule reads.
    await t.runtime.deps.sequelize.query("UPDATE students SET status = 'over_limit' WHERE whop_user_id = :user", {
      replacements: { user: overLimit.user },
      type: QueryTypes.UPDATE,
    });
    browsers.overLimit = await t.signIn(overLimit.user);

    const other = await member('otherpupil', 'prod_course2');
    browsers.otherStudent = await t.signIn(other.user);
  });
  after(() => t?.close());

  it('stores the membership’s manage_url from Whop on the student row', () => {
    expect(renewUrl).to.match(/^http:\/\/[^/]+\/sandbox\/memberships#mem_/);
  });

  describe('the course page /courses/<company id>', () => {
    it('shows an active student the ready videos in library order, each linking to the player', async () => {
      const page = await browsers.student.get(url('/courses/biz_creator1'));
      expect(page.status).to.equal(200);
      expect(page.headers.get('cache-control')).to.equal('no-store');
      const firstAt = page.text.indexOf(`href="/courses/biz_creator1/videos/${first.id}"`);
      const secondAt = page.text.indexOf(`href="/courses/biz_creator1/videos/${second.id}"`);
      expect(firstAt).to.be.greaterThan(-1);
      expect(secondAt).to.be.greaterThan(firstAt);
      expect(page.text).not.to.contain('Pro lesson');
    });

    it('answers a signed-out visitor 401 with a sign-in link that returns to the course', async () => {
      const page = await new TestBrowser().get(url('/courses/biz_creator1'));
      expect(page.status).to.equal(401);
      expect(page.text).to.contain('href="/api/whop/auth/login?returnTo=%2Fcourses%2Fbiz_creator1"');
    });

    it('answers another creator’s student 403 saying they are not a member', async () => {
      const page = await browsers.otherStudent.get(url('/courses/biz_creator1'));
      expect(page.status).to.equal(403);
      expect(page.text).to.contain('you are not one');
      expect(page.text).not.to.contain('First lesson');
    });

    it('answers a student whose membership ended 403 with the renew link from Whop', async () => {
      const page = await browsers.ended.get(url('/courses/biz_creator1'));
      expect(page.status).to.equal(403);
      expect(page.text).to.contain('Your membership has ended');
      expect(page.text).to.contain('Your Whop membership is expired.');
      expect(page.text).to.contain(`id="renew-link" href="${renewUrl}"`);
    });

    it('answers an over-limit student 403 with the reason', async () => {
      const page = await browsers.overLimit.get(url('/courses/biz_creator1'));
      expect(page.status).to.equal(403);
      expect(page.text).to.contain('has reached the student limit of their Chronos plan');
      expect(page.text).not.to.contain('id="renew-link"');
    });

    it('lets the creator preview their own course', async () => {
      const page = await browsers.creator.get(url('/courses/biz_creator1'));
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Preview');
      expect(page.text).to.contain('First lesson');
    });

    it('answers 404 for a company that is not on Chronos', async () => {
      expect((await browsers.student.get(url('/courses/biz_nobody'))).status).to.equal(404);
      expect((await browsers.student.get(url('/courses/not-a-company'))).status).to.equal(404);
    });
  });

  describe('the player /courses/<company id>/videos/<id>', () => {
    it('shows a student the video with its title, length, the media URL and the next video', async () => {
      const page = await browsers.student.get(url(`/courses/biz_creator1/videos/${first.id}`));
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('<h1 id="video-title">First lesson</h1>');
      expect(page.text).to.match(/<video id="player"[^>]*controls[^>]*title="First lesson"/s);
      // Signed for this viewer and video (test/integration/signed-media.test.ts says what it grants).
      expect(page.text).to.match(
        new RegExp(
          `<source src="/media/videos/${first.id}\\?viewer=user_student1&amp;creator=0&amp;expires=\\d+&amp;signature=[\\w-]{43}" type="video/webm">`,
        ),
      );
      expect(page.text).to.contain('0:04');
      expect(page.text).to.contain(`href="/courses/biz_creator1/videos/${second.id}" rel="next">Next: Second lesson`);
      expect(page.text).to.contain(`data-progress-url="/api/videos/${first.id}/progress"`);
      expect(page.text).to.contain('<script src="/static/js/player.js" defer></script>');
    });

    it('says the last video is the last one', async () => {
      const page = await browsers.student.get(url(`/courses/biz_creator1/videos/${second.id}`));
      expect(page.text).to.contain('This is the last video of the course.');
    });

    it('gives the creator a preview that records no progress', async () => {
      const page = await browsers.creator.get(url(`/courses/biz_creator1/videos/${first.id}`));
      expect(page.status).to.equal(200);
      expect(page.text).not.to.contain('data-progress-url');
    });

    it('refuses the same visitors as the course page', async () => {
      const path = `/courses/biz_creator1/videos/${first.id}`;
      expect((await new TestBrowser().get(url(path))).status).to.equal(401);
      expect((await browsers.otherStudent.get(url(path))).status).to.equal(403);
      expect((await browsers.ended.get(url(path))).status).to.equal(403);
      expect((await browsers.overLimit.get(url(path))).status).to.equal(403);
    });

    it('answers 404 for another creator’s video under this course and for ids that are no ids', async () => {
      expect(
        (await browsers.student.get(url(`/courses/biz_creator1/videos/${otherCreatorsVideo.id}`))).status,
      ).to.equal(404);
      expect((await browsers.student.get(url('/courses/biz_creator1/videos/01'))).status).to.equal(404);
      expect((await browsers.student.get(url('/courses/biz_creator1/videos/99999999999'))).status).to.equal(404);
    });
  });

  describe('the media route /media/videos/<id>', () => {
    const media = () => url(`/media/videos/${first.id}`);

    it('streams the whole file to a student, not to be stored by any cache', async () => {
      const response = await fetch(media(), { headers: { cookie: browsers.student.cookieHeader(t.appUrl) } });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('video/webm');
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(response.headers.get('accept-ranges')).to.equal('bytes');
      expect(Buffer.from(await response.arrayBuffer()).equals(SAMPLE_WEBM)).to.equal(true);
    });

    it('lets the creator preview the file', async () => {
      expect((await browsers.creator.get(media())).status).to.equal(200);
    });

    it('is authorised on every request: 401 signed out, 403 without access', async () => {
      expect((await new TestBrowser().get(media())).status).to.equal(401);
      for (const who of ['otherStudent', 'ended', 'overLimit'] as const) {
        const response = await browsers[who].get(media());
        expect(response.status, who).to.equal(403);
        expect(response.headers.get('content-type'), who).to.match(/^text\/html/);
      }
      expect((await browsers.student.get(url(`/media/videos/${otherCreatorsVideo.id}`))).status).to.equal(403);
    });

    const get = (headers: Record<string, string>) =>
      fetch(media(), { headers: { cookie: browsers.student.cookieHeader(t.appUrl), ...headers } });

    it('answers a Range request with 206, the right bytes and Content-Range', async () => {
      const response = await get({ range: 'bytes=100-199' });
      expect(response.status).to.equal(206);
      expect(response.headers.get('content-range')).to.equal(`bytes 100-199/${SAMPLE_WEBM.length}`);
      expect(response.headers.get('content-length')).to.equal('100');
      expect(Buffer.from(await response.arrayBuffer()).equals(SAMPLE_WEBM.subarray(100, 200))).to.equal(true);
    });

    it('serves the open-ended and suffix ranges players ask for', async () => {
      const tail = await get({ range: 'bytes=-10' });
      expect(tail.status).to.equal(206);
      expect(Buffer.from(await tail.arrayBuffer()).equals(SAMPLE_WEBM.subarray(-10))).to.equal(true);
      const rest = await get({ range: `bytes=${SAMPLE_WEBM.length - 5}-` });
      expect(rest.headers.get('content-range')).to.equal(
        `bytes ${SAMPLE_WEBM.length - 5}-${SAMPLE_WEBM.length - 1}/${SAMPLE_WEBM.length}`,
      );
      await rest.arrayBuffer();
    });

    it('honours If-Range: a matching validator gets the range, a stale one the whole file (200)', async () => {
      const whole = await get({});
      const etag = whole.headers.get('etag')!;
      await whole.arrayBuffer();
      expect(etag).to.be.a('string');
      const fresh = await get({ range: 'bytes=0-9', 'if-range': etag });
      expect(fresh.status).to.equal(206);
      await fresh.arrayBuffer();
      const stale = await get({ range: 'bytes=0-9', 'if-range': '"not-the-etag"' });
      expect(stale.status).to.equal(200);
      expect(stale.headers.get('content-range')).to.equal(null);
      expect((await stale.arrayBuffer()).byteLength).to.equal(SAMPLE_WEBM.length);
    });

    it('answers an unsatisfiable range with 416 and the size, and no body', async () => {
      const response = await get({ range: `bytes=${SAMPLE_WEBM.length}-` });
      expect(response.status).to.equal(416);
      expect(response.headers.get('content-range')).to.equal(`bytes */${SAMPLE_WEBM.length}`);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect((await response.arrayBuffer()).byteLength).to.equal(0);
    });

    it('answers several ranges with one range spanning them, never a multipart or a bigger answer', async () => {
      const many = await get({ range: 'bytes=0-9,20-29,5-14' });
      expect(many.status).to.equal(206);
      expect(many.headers.get('content-type')).to.equal('video/webm');
      expect(many.headers.get('content-range')).to.equal(`bytes 0-29/${SAMPLE_WEBM.length}`);
      expect(Buffer.from(await many.arrayBuffer()).equals(SAMPLE_WEBM.subarray(0, 30))).to.equal(true);

      const overlapping = Array.from({ length: 200 }, () => '0-').join(',');
      const amplifier = await get({ range: `bytes=${overlapping}` });
      expect(amplifier.status).to.equal(206);
      expect((await amplifier.arrayBuffer()).byteLength).to.equal(SAMPLE_WEBM.length);

      const allOut = await get({ range: `bytes=${SAMPLE_WEBM.length}-,${SAMPLE_WEBM.length + 10}-` });
      expect(allOut.status).to.equal(416);
      await allOut.arrayBuffer();
    });

    it('answers 404 for a video that is not ready or was deleted, even to its students', async () => {
      const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
      const uploading = await playableVideo(deps, first.creatorId, { title: 'Still uploading', status: 'uploading' });
      expect((await browsers.student.get(url(`/media/videos/${uploading.id}`))).status).to.equal(404);
      expect((await browsers.student.get(url(`/courses/biz_creator1/videos/${uploading.id}`))).status).to.equal(404);
      const deleted = await playableVideo(deps, first.creatorId, { title: 'Deleted' });
      await deleted.destroy();
      expect((await browsers.student.get(url(`/media/videos/${deleted.id}`))).status).to.equal(404);
      expect((await browsers.student.get(url('/media/videos/not-an-id'))).status).to.equal(404);
    });

    it('keeps every video watchable after a downgrade below the videos the creator has', async () => {
      const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
      const { Creator } = t.runtime.deps.models;
      const creator = (await Creator.findByPk(first.creatorId))!;
      await creator.update({ tier: 'pro' });
      const extra = [];
      for (let i = 0; i < 5; i += 1)
        extra.push(await playableVideo(deps, creator.id, { title: `Pro-era lesson ${i}`, position: 10 + i }));
      await creator.update({ tier: 'free' });
      try {
        const last = extra.at(-1)!;
        const media = await browsers.student.get(url(`/media/videos/${last.id}`), { range: 'bytes=0-99' });
        expect(media.status).to.equal(206);
        const course = await browsers.student.get(url('/courses/biz_creator1'));
        for (const video of extra) expect(course.text).to.contain(`/courses/biz_creator1/videos/${video.id}`);
      } finally {
        for (const video of extra) await video.destroy();
      }
    });
  });
});
