/**
 * A member's access follows all their memberships, over real sandbox memberships and webhooks
 * (issue 17): holding product A and then buying B, the member still watches A's course and now
 * B's too; when B ends, A's course still plays and B's is refused with the renew link of the
 * ended B membership (and Whop's link to buy it again), on Chronos's pages and inside Whop. A change that only reconciliation sees
 * (its webhook missed) opens B again.
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
import type { Video } from '../../src/models/video-model.ts';

const COMPANY = 'biz_creator2';
const A = 'prod_course2';
const B = 'prod_vipcoaching';
const B_PLAN = 'plan_vipcoaching';
/** biz_creator2's experience in the sandbox: the member view inside Whop. */
const EXPERIENCE = 'exp_creator2';

describe('watching by all memberships: holding A, buying B, B ending', function () {
  this.timeout(90_000);
  let t: ChronosWithSandbox;
  let creator: TestBrowser;
  let pupil: string;
  let browser: TestBrowser;
  let aVideo: Video;
  let bVideo: Video;
  let bMembership: string;

  const url = (path: string) => `${t.appUrl}${path}`;
  const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) =>
    t.runtime.deps.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
  /** The pupil's memberships as Chronos holds them: product → whether it grants access. */
  const held = async () =>
    Object.fromEntries(
      (
        await sql<{ p: string; g: boolean }>(
          `SELECT sm.whop_product_id AS p, sm.grants_access AS g FROM student_memberships sm
             JOIN students s ON s.id = sm.student_id WHERE s.whop_user_id = :pupil`,
          { pupil },
        )
      ).map((r) => [r.p, r.g]),
    );
  const settle = (what: string, done: (h: Record<string, boolean>) => boolean) =>
    until(
      async () => {
        await t.drain();
        return done(await held());
      },
      { what, intervalMs: 50 },
    );
  const studentStatus = async () =>
    (await sql<{ status: string }>('SELECT status FROM students WHERE whop_user_id = :pupil', { pupil }))[0]?.status;
  const playsPage = async (video: Video) => (await browser.get(url(`/courses/${COMPANY}/videos/${video.id}`))).status;
  const playsMedia = async (video: Video) =>
    (await browser.request(url(`/media/videos/${video.id}`), { headers: { range: 'bytes=0-9' } })).status;

  before(async () => {
    t = await startChronosWithSandbox();
    await cleanTables(t.runtime.deps.sequelize);
    // The creator sells a second product (B) on Whop, with a plan members can buy.
    sellSecondProduct(t, { likeProduct: A, productId: B, planId: B_PLAN });

    creator = await t.signIn('user_creator_pro');
    await onboard(t, creator, COMPANY);
    const owner = (await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: COMPANY } }))!;
    await sql(`UPDATE creators SET tier = 'pro' WHERE id = :id RETURNING 1`, { id: owner.id });
    const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
    aVideo = await playableVideo(deps, owner.id, { title: 'Members lesson', position: 1 });
    bVideo = await playableVideo(deps, owner.id, { title: 'VIP lesson', position: 2 });
    await publishedCourse(t, creator, { title: 'Members course', videoIds: [aVideo.id], productId: A });
    await publishedCourse(t, creator, { title: 'VIP room', videoIds: [bVideo.id], productId: B });

    pupil = await t.control.createUser('memberships_pupil');
    await t.control.createMembership(pupil, A);
    await settle('the membership of product A arriving', (h) => h[A] === true);
    browser = await t.signIn(pupil);
  });
  after(() => t?.close());

  it('holding A only: A’s video plays, B’s is refused with the link to buy B', async () => {
    expect(await playsPage(aVideo)).to.equal(200);
    expect(await playsMedia(aVideo)).to.equal(206);
    const refused = await browser.get(url(`/courses/${COMPANY}/videos/${bVideo.id}`));
    expect(refused.status).to.equal(403);
    expect(refused.text).to.match(new RegExp(`id="purchase-link" href="http://[^"]+/checkout/${B_PLAN}"`));
    expect(refused.text, 'no membership of B has ended: nothing to renew').not.to.contain('id="renew-link"');
  });

  it('buying B on Whop: A’s video still plays, and B’s now plays too', async () => {
    bMembership = await t.control.createMembership(pupil, B);
    await settle('the membership of product B arriving', (h) => h[A] === true && h[B] === true);
    for (const video of [aVideo, bVideo]) {
      expect(await playsPage(video), video.title).to.equal(200);
      expect(await playsMedia(video), video.title).to.equal(206);
    }
    const course = await browser.get(url(`/courses/${COMPANY}`));
    expect(course.text).to.contain('Members course');
    expect(course.text).to.contain('VIP room');
  });

  it('B ending on Whop: the member stays in, A’s video plays, B’s is refused with B’s renew link', async () => {
    await t.control.setStatus(bMembership, 'canceled');
    await settle('the end of membership B arriving', (h) => h[A] === true && h[B] === false);
    expect(await studentStatus()).to.equal('active');
    expect(await playsPage(aVideo)).to.equal(200);
    expect(await playsMedia(aVideo)).to.equal(206);
    expect(await playsMedia(bVideo)).to.equal(403);
    const refused = await browser.get(url(`/courses/${COMPANY}/videos/${bVideo.id}`));
    expect(refused.status).to.equal(403);
    expect(refused.text).to.contain('holding VIP Coaching on Whop');
    expect(refused.text).to.match(new RegExp(`id="renew-link" href="http://[^"]+/sandbox/memberships#${bMembership}"`));
    expect(refused.text).to.match(new RegExp(`id="purchase-link" href="http://[^"]+/checkout/${B_PLAN}"`));
    const course = await browser.get(url(`/courses/${COMPANY}`));
    expect(course.text).to.contain('Members course');
    expect(course.text).not.to.contain('VIP room');
  });

  it('B ended, inside Whop (the embedded player): A plays, B is refused with links that leave the frame', async () => {
    const embedded = async (video: Video) =>
      fetch(url(`/experiences/${EXPERIENCE}/videos/${video.id}`), {
        headers: { 'x-whop-user-token': await t.sandbox.sandbox.oidc.userTokens.sign(pupil) },
      });
    expect((await embedded(aVideo)).status).to.equal(200);
    const refused = await embedded(bVideo);
    const html = await refused.text();
    expect(refused.status).to.equal(403);
    expect(html).to.contain('holding VIP Coaching on Whop');
    expect(html).to.match(
      new RegExp(`id="renew-link" href="http://[^"]+/sandbox/memberships#${bMembership}" target="_top"`),
    );
    expect(html).to.match(new RegExp(`id="purchase-link" href="http://[^"]+/checkout/${B_PLAN}" target="_top"`));
  });

  it('B renewed while its webhook was missed: reconciliation stores it and B’s video plays again', async () => {
    t.sandbox.sandbox.state.updateMembership(bMembership, {
      status: 'active',
      updated_at: new Date(Date.now() + 60_000).toISOString(),
    });
    const run = (await t.runtime.deps.services.reconciliation.run('admin'))!;
    expect(run.status, JSON.stringify(run.summary)).to.equal('succeeded');
    expect(await held()).to.deep.equal({ [A]: true, [B]: true });
    expect(await playsMedia(bVideo)).to.equal(206);
    expect(await playsMedia(aVideo)).to.equal(206);
  });
});
