/**
 * Journey 11: Chronos inside Whop. The sandbox's Whop frame page (`/sandbox/whop/<biz>/<exp>`)
 * shows the app in an iframe through the sandbox's app proxy, which adds `x-whop-user-token`
 * for the user picked on the page, as whop.com does. A member opens the experience and plays a
 * video; a member without access sees why, with a link to buy; an admin opens the team view
 * and uploads a video. The framed app pages pass the same landing checks (axe-core, valid
 * HTML, 320 px) opened on the proxy's origin.
 *
 * Runs its own Chronos and sandbox in this process (real HTTP, real PostgreSQL), with the
 * sandbox's app proxy on a free port.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import type { FrameLocator } from 'playwright-core';
import { e2e } from './support/suite-hooks.ts';
import { Journey } from './support/journey.ts';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { onboard } from '../support/onboarding.ts';
import { playableVideo } from '../support/media-fixtures.ts';
import { until } from '../support/wait.ts';
import { dropTestDatabase } from '../support/test-runtime.ts';
import { stopEmbeddedTestServer } from '../support/test-database.ts';
import { PROJECT_ROOT } from '../../src/config/project-paths.ts';

const EXPERIENCE = 'exp_creator2';
const WEBM = join(PROJECT_ROOT, 'test', 'fixtures', 'media', 'sample.webm');

/** The part of an HTMLVideoElement the journey drives (the tests compile without the DOM library). */
interface VideoElement {
  muted: boolean;
  currentTime: number;
  play(): Promise<void>;
}

describe('journey 11: Chronos as a Whop App inside the sandbox’s Whop frame', function () {
  let t: ChronosWithSandbox;
  let member: string;
  const journeys: Journey[] = [];
  const framePage = (view: string) => `${t.sandbox.url}/sandbox/whop/biz_creator2/${view}`;

  /** Opens the Whop frame page and switches the sandbox's signed-in user to `userId`. */
  async function openAs(journey: Journey, view: string, userId: string, framedStatus = 200): Promise<FrameLocator> {
    await journey.open(framePage(view), `whop-frame-${view}`);
    await journey.page.getByLabel('Signed in to whop.com as').selectOption(userId);
    const frame = journey.page.frameLocator('iframe.whop-frame');
    if (framedStatus === 200) {
      await journey.click(journey.page.getByRole('button', { name: 'Switch' }), `whop-frame-${view}-as-user`);
      return frame;
    }
    // The framed app answers with a refusal: the browser logs its status, which is the point here.
    await Promise.all([journey.page.waitForNavigation(), journey.page.getByRole('button', { name: 'Switch' }).click()]);
    await frame.locator('main').waitFor();
    journey.acceptProblems(
      (p) => p.text.includes(`status of ${framedStatus}`) && p.url.startsWith(t.sandbox.appProxyUrl!),
      `the framed app's ${framedStatus}`,
    );
    return frame;
  }

  before(async function () {
    this.timeout(120_000);
    t = await startChronosWithSandbox({ backgroundJobs: true, sandbox: { appProxyPort: 0 } });
    await onboard(t, await t.signIn('user_creator_pro'), 'biz_creator2');
    const creator = await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator2' } });
    const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
    await playableVideo(deps, creator!.id, { title: 'Inside Whop', position: 1 });
    member = await t.control.createUser('whopmember');
    await t.control.createMembership(member, 'prod_course2');
    await until(async () => (await t.runtime.deps.models.Student.count({ where: { whopUserId: member } })) > 0, {
      what: 'the membership arriving',
      intervalMs: 100,
    });
  });
  afterEach(async () => {
    for (const journey of journeys.splice(0)) await journey.close();
  });
  after(async function () {
    this.timeout(60_000);
    await t?.close();
    await dropTestDatabase();
    await stopEmbeddedTestServer();
  });

  it('a member opens the experience in Whop and the video plays', async () => {
    const journey = await Journey.start(e2e().browser, 'j11-member');
    journeys.push(journey);
    const frame = await openAs(journey, EXPERIENCE, member);
    await frame.getByRole('heading', { level: 1, name: 'Creator Two' }).waitFor();
    expect(await frame.getByRole('link', { name: 'Sign out' }).count()).to.equal(0);
    await frame.getByRole('link', { name: 'Inside Whop' }).click();
    const player = frame.locator('video#player');
    await player.waitFor();
    await player.evaluate((element) => {
      const v = element as unknown as VideoElement;
      v.muted = true;
      return v.play();
    });
    await until(
      async () => (await player.evaluate((element) => (element as unknown as VideoElement).currentTime)) > 0.5,
      { what: 'the video playing inside the Whop frame', intervalMs: 100, timeoutMs: 15_000 },
    );

    // The framed pages themselves, on the proxy's origin, pass the landing checks (axe, HTML, 320 px).
    await journey.open(`${t.sandbox.appProxyUrl}/experiences/${EXPERIENCE}`, 'framed-course');
    await journey.click(journey.page.getByRole('link', { name: 'Inside Whop' }), 'framed-player');
  });

  /**
   * The player's first request for the video carries a link already past its time, as after a
   * tab left open: Chronos itself refuses it (403), and inside Whop no cookie can stand in. The
   * player's script is deferred, so the refusal can land before it runs or after: `refusedFirst`
   * holds the script until the element has given up on its source; otherwise the refusal is held
   * until the script has run. Either way the player asks its page once for a fresh link and plays.
   */
  async function watchThroughExpiredLink(name: string, refusedFirst: boolean): Promise<void> {
    const journey = await Journey.start(e2e().browser, name);
    journeys.push(journey);
    let expiredSent = false;
    const pageFetches: string[] = [];
    await journey.page.route('**/embedded/media/videos/**', async (route) => {
      if (expiredSent) return route.continue();
      expiredSent = true;
      if (!refusedFirst) await route.request().frame().waitForLoadState('domcontentloaded');
      const stale = new URL(route.request().url());
      stale.searchParams.set('expires', String(Math.floor(Date.now() / 1000) - 1));
      return route.continue({ url: stale.toString() });
    });
    if (refusedFirst) {
      await journey.page.route('**/static/js/player.js', async (route) => {
        // Tried its source (currentSrc set) and has none left (NETWORK_NO_SOURCE): refused already.
        await route
          .request()
          .frame()
          .waitForFunction(
            "(v => !!v && v.currentSrc !== '' && v.networkState === 3)(document.getElementById('player'))",
          );
        return route.continue();
      });
    }
    journey.page.on('request', (request) => {
      if (request.resourceType() === 'fetch' && /\/experiences\/[^/]+\/videos\/\d+$/.test(request.url()))
        pageFetches.push(request.url());
    });
    const frame = await openAs(journey, EXPERIENCE, member);
    await frame.getByRole('link', { name: 'Inside Whop' }).click();
    const player = frame.locator('video#player');
    await player.waitFor();
    await until(async () => expiredSent && pageFetches.length > 0, {
      what: 'the player asking for a fresh link after the refusal',
      intervalMs: 100,
      timeoutMs: 15_000,
    });
    await until(
      async () =>
        player.evaluate((element) => {
          const v = element as unknown as VideoElement & { readyState: number };
          if (v.readyState < 1) return false;
          v.muted = true;
          void v.play().catch(() => undefined);
          return v.currentTime > 0.5;
        }),
      { what: 'the video playing on its fresh link', intervalMs: 200, timeoutMs: 15_000 },
    );
    expect(pageFetches).to.have.length(1);
    journey.acceptProblems((p) => p.text.includes('status of 403'), 'the refused expired link');
  }

  it('a member whose video link expired while the page stood open keeps watching: the player takes a fresh link', () =>
    watchThroughExpiredLink('j11-expired-link', false));

  it('the same when the expired link’s refusal came back before the player’s script ran', () =>
    watchThroughExpiredLink('j11-expired-link-early', true));

  it('a member without access sees why, with a link to buy', async () => {
    const journey = await Journey.start(e2e().browser, 'j11-no-access');
    journeys.push(journey);
    const frame = await openAs(journey, EXPERIENCE, 'user_student1', 403);
    await frame.getByText('no membership').waitFor();
    const buy = frame.getByRole('link', { name: 'Get access on Whop' });
    expect(await buy.getAttribute('href')).to.match(/\/checkout\/plan_\w+$/);
    await journey.open(`${t.sandbox.appProxyUrl}/experiences/${EXPERIENCE}`, 'framed-refused', { status: 403 });
  });

  it('an admin opens the team view and uploads a video', async () => {
    const journey = await Journey.start(e2e().browser, 'j11-team');
    journeys.push(journey);
    const frame = await openAs(journey, 'dashboard', 'user_creator_pro');
    await frame.getByRole('heading', { level: 1, name: 'Creator Two' }).waitFor();
    await frame.getByLabel(/Choose (a video file|video files)/).setInputFiles(WEBM);
    await frame.locator('#upload-queue .upload-item[data-state="done"]', { hasText: 'sample.webm' }).waitFor({
      timeout: 60_000,
    });
    await frame.locator('#video-list-region .library-item', { hasText: 'sample' }).waitFor();
    await journey.open(`${t.sandbox.appProxyUrl}/dashboard/biz_creator2`, 'framed-team');
  });
});
