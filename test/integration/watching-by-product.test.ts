/**
 * The course's product choice decides who watches its videos, wherever a video is reached
 * (issue 17, course products): a member holding only product A (prod_course2) cannot watch a
 * video of a course restricted to product B (a "VIP Coaching" product the creator adds on Whop)
 * through the flat player page, the media route, progress, the embedded member view or a signed
 * embedded media URL, and is told which product opens it with Whop's link to buy it; videos in
 * no restricted course still play; after the member buys B on Whop (a real sandbox membership,
 * delivered by webhook) the same video plays everywhere.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { onboard } from '../support/onboarding.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import type { TestBrowser } from '../support/test-browser.ts';
import { playableVideo } from '../support/media-fixtures.ts';
import { until } from '../support/wait.ts';
import { publishedCourse, sellSecondProduct } from '../support/product-courses.ts';
import { csrfOf } from '../security/support/security-fixture.ts';
import type { Video } from '../../src/models/video-model.ts';

const COMPANY = 'biz_creator2';
const EXPERIENCE = 'exp_creator2';
const VIP = 'prod_vipcoaching';
const VIP_PLAN = 'plan_vipcoaching';

describe('watching by product: a course restricted to some products', function () {
  this.timeout(90_000);
  let t: ChronosWithSandbox;
  let creator: TestBrowser;
  let pupil: string;
  let browser: TestBrowser;
  let csrf: string;
  let open: Video;
  let vip: Video;
  let members: Video;

  const url = (path: string) => `${t.appUrl}${path}`;
  const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) =>
    t.runtime.deps.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
  const progressRows = async (videoId: number) =>
    (
      await sql<{ n: number }>('SELECT count(*)::int AS n FROM watch_progress WHERE video_id = :videoId', { videoId })
    )[0]!.n;
  const embedded = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('x-whop-user-token', await t.sandbox.sandbox.oidc.userTokens.sign(pupil));
    return fetch(url(path), { ...init, headers, redirect: 'manual' });
  };
  const saveProgress = (videoId: number) =>
    browser.request(url(`/api/videos/${videoId}/progress`), {
      method: 'POST',
      json: { position: 2, watched: 2 },
      headers: { 'x-csrf-token': csrf },
    });
  /** The products of the member's memberships that grant access (the student holds every membership). */
  const studentProducts = async () =>
    (
      await sql<{ p: string }>(
        `SELECT sm.whop_product_id AS p FROM student_memberships sm JOIN students s ON s.id = sm.student_id
          WHERE s.whop_user_id = :pupil AND sm.grants_access`,
        { pupil },
      )
    ).map((r) => r.p);

  before(async () => {
    t = await startChronosWithSandbox();
    await cleanTables(t.runtime.deps.sequelize);
    // The creator sells a second product on Whop, with a plan members can buy.
    sellSecondProduct(t, { likeProduct: 'prod_course2', productId: VIP, planId: VIP_PLAN });

    creator = await t.signIn('user_creator_pro');
    await onboard(t, creator, COMPANY);
    const owner = (await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: COMPANY } }))!;
    await sql(`UPDATE creators SET tier = 'pro' WHERE id = :id RETURNING 1`, { id: owner.id });
    const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
    open = await playableVideo(deps, owner.id, { title: 'Open lesson', position: 1 });
    vip = await playableVideo(deps, owner.id, { title: 'VIP lesson', position: 2 });
    members = await playableVideo(deps, owner.id, { title: 'Members lesson', position: 3 });
    await publishedCourse(t, creator, { title: 'VIP room', videoIds: [vip.id], productId: VIP });
    await publishedCourse(t, creator, { title: 'Members course', videoIds: [members.id], productId: 'prod_course2' });

    // The member holds product A (prod_course2) only, bought on Whop.
    pupil = await t.control.createUser('productpupil');
    await t.control.createMembership(pupil, 'prod_course2');
    await until(
      async () => {
        await t.drain();
        return (await studentProducts()).includes('prod_course2');
      },
      { what: 'the membership of product A arriving', intervalMs: 50 },
    );
    browser = await t.signIn(pupil);
    csrf = await csrfOf(t, browser);
  });
  after(() => t?.close());

  describe('holding only product A', () => {
    it('refuses the player page 403, naming the course and the product that opens it, with Whop’s link to buy', async () => {
      const page = await browser.get(url(`/courses/${COMPANY}/videos/${vip.id}`));
      expect(page.status).to.equal(403);
      expect(page.text).to.contain('This video is in a course you do not have');
      expect(page.text).to.contain('“VIP lesson” is part of “VIP room”');
      expect(page.text).to.contain('holding VIP Coaching on Whop');
      expect(page.text).to.match(new RegExp(`id="purchase-link" href="http://[^"]+/checkout/${VIP_PLAN}"`));
      expect(page.text).not.to.contain('<video');
    });

    it('refuses the media bytes 403 (the error page) with the same reason, and records no progress', async () => {
      const media = await browser.get(url(`/media/videos/${vip.id}`));
      expect(media.status).to.equal(403);
      expect(media.location).to.equal(undefined);
      expect(media.text).to.contain('holding VIP Coaching on Whop');
      const saved = await saveProgress(vip.id);
      expect(saved.status).to.equal(403);
      expect(JSON.parse(saved.text).message).to.contain('VIP Coaching');
      expect(await progressRows(vip.id)).to.equal(0);
    });

    it('still plays the videos of no restricted course and of product A’s course; the next link skips the VIP video', async () => {
      const page = await browser.get(url(`/courses/${COMPANY}/videos/${open.id}`));
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Video 1 of 2');
      expect(page.text).to.contain(`href="/courses/${COMPANY}/videos/${members.id}"`);
      expect(page.text).not.to.contain(`/videos/${vip.id}"`);
      for (const video of [open, members]) {
        const media = await browser.request(url(`/media/videos/${video.id}`), { headers: { range: 'bytes=0-9' } });
        expect(media.status, video.title).to.equal(206);
      }
      expect((await saveProgress(members.id)).status).to.equal(200);
    });

    it('leaves the VIP video out of the embedded list, refuses its embedded player and a signed media URL for it', async () => {
      const list = await (await embedded(`/experiences/${EXPERIENCE}`)).text();
      expect(list).to.contain(`href="/experiences/${EXPERIENCE}/videos/${open.id}"`);
      expect(list).to.contain(`href="/experiences/${EXPERIENCE}/videos/${members.id}"`);
      expect(list).not.to.contain('VIP lesson');

      const player = await embedded(`/experiences/${EXPERIENCE}/videos/${vip.id}`);
      const html = await player.text();
      expect(player.status).to.equal(403);
      expect(html).to.contain('holding VIP Coaching on Whop');
      expect(html).to.match(new RegExp(`id="purchase-link" href="http://[^"]+/checkout/${VIP_PLAN}"`));

      // A signed URL (leaked, or signed before the course was restricted) does not get around the rule.
      const query = t.runtime.deps.services.embeddedMediaUrls.sign({ whopUserId: pupil, creatorId: null }, vip.id);
      expect((await fetch(url(`/embedded/media/videos/${vip.id}?${query}`))).status).to.equal(403);

      const openPage = await (await embedded(`/experiences/${EXPERIENCE}/videos/${open.id}`)).text();
      const token = /data-csrf(?:-token)?="([^"]+)"/.exec(openPage)![1]!;
      const saved = await embedded(`/experiences/${EXPERIENCE}/videos/${vip.id}/progress`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        body: JSON.stringify({ position: 2, watched: 2 }),
      });
      expect(saved.status).to.equal(403);
      expect(await progressRows(vip.id)).to.equal(0);
    });
  });

  describe('after buying product B on Whop', () => {
    before(async () => {
      await t.control.createMembership(pupil, VIP);
      await until(
        async () => {
          await t.drain();
          return (await studentProducts()).includes(VIP);
        },
        { what: 'the membership of product B arriving', intervalMs: 50 },
      );
    });

    it('plays the VIP video everywhere: page, media, progress, embedded list, player and signed media', async () => {
      const page = await browser.get(url(`/courses/${COMPANY}/videos/${vip.id}`));
      expect(page.status).to.equal(200);
      const pageSrc = /<source src="([^"]+)"/.exec(page.text)![1]!.replaceAll('&amp;', '&');
      expect(pageSrc).to.match(new RegExp(`^/media/videos/${vip.id}\\?viewer=`));
      // The page's signed URL plays without the cookie too (signed-media-routes.ts, same rule).
      expect((await fetch(url(pageSrc), { headers: { range: 'bytes=0-9' } })).status).to.equal(206);
      const media = await browser.request(url(`/media/videos/${vip.id}`), { headers: { range: 'bytes=0-9' } });
      expect(media.status).to.equal(206);
      expect((await saveProgress(vip.id)).status).to.equal(200);
      expect(await progressRows(vip.id)).to.equal(1);

      const list = await (await embedded(`/experiences/${EXPERIENCE}`)).text();
      expect(list).to.contain(`href="/experiences/${EXPERIENCE}/videos/${vip.id}"`);
      const player = await (await embedded(`/experiences/${EXPERIENCE}/videos/${vip.id}`)).text();
      const src = /<source src="([^"]+)"/.exec(player)![1]!.replaceAll('&amp;', '&');
      expect((await fetch(url(src), { headers: { range: 'bytes=0-9' } })).status).to.equal(206);
    });

    it('still plays the video of no restricted course', async () => {
      expect((await browser.get(url(`/courses/${COMPANY}/videos/${open.id}`))).status).to.equal(200);
      const media = await browser.request(url(`/media/videos/${open.id}`), { headers: { range: 'bytes=0-9' } });
      expect(media.status).to.equal(206);
    });
  });
});
