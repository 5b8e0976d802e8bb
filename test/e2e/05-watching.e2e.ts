/**
 * Journey 5: watching. A student with access goes from their dashboard to the course and the
 * player, and the video really plays in Chromium (its `currentTime` advances); the player saves
 * the position and, on reload, resumes there; the page fits a 320 px wide screen. A signed-in
 * member without access gets the 403 page with the reason.
 *
 * This journey needs a ready video before it starts. Until uploads exist end to end it runs its
 * own Chronos in this process (real HTTP, real PostgreSQL, the sandbox beside it) and stores the
 * WebM fixture through the app's media storage; the suite's shared app is not used.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { e2e } from './support/suite-hooks.ts';
import { Journey } from './support/journey.ts';
import { signInWithWhop } from './support/whop-sign-in.ts';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { onboard } from '../support/onboarding.ts';
import { playableVideo } from '../support/media-fixtures.ts';
import { until } from '../support/wait.ts';
import { dropTestDatabase } from '../support/test-runtime.ts';
import { stopEmbeddedTestServer } from '../support/test-database.ts';
import type { Video } from '../../src/models/video-model.ts';

/** The part of an HTMLVideoElement the journey drives (the tests compile without the DOM library). */
interface VideoElement {
  muted: boolean;
  currentTime: number;
  play(): Promise<void>;
  pause(): void;
}
/** The page's globals the journey reads, typed without the DOM library (casts are erased before the function runs in the page). */
interface PageGlobals {
  document: { querySelector(selector: string): VideoElement; documentElement: { scrollWidth: number } };
}

describe('journey 5: watching a course', function () {
  let t: ChronosWithSandbox;
  let video: Video;
  const journeys: Journey[] = [];
  const urls = () => ({ appUrl: t.appUrl, sandboxUrl: t.sandbox.url });

  before(async function () {
    this.timeout(120_000);
    t = await startChronosWithSandbox({ backgroundJobs: true });
    await onboard(t, await t.signIn('user_creator_free'), 'biz_creator1');
    const creator = await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } });
    const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
    video = await playableVideo(deps, creator!.id, { title: 'Welcome to the course', position: 1 });
    await playableVideo(deps, creator!.id, { title: 'Second steps', position: 2 });
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

  it('a student opens the course, the video plays, and the player resumes where they stopped', async () => {
    const journey = await Journey.start(e2e().browser, 'j5-student');
    journeys.push(journey);
    const { page } = journey;
    await signInWithWhop(journey, urls(), 'user_student1');
    await journey.click(page.getByRole('link', { name: 'Open the course of Creator One Academy' }), 'course');
    expect(new URL(page.url()).pathname).to.equal('/courses/biz_creator1');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Creator One Academy');
    await journey.click(page.getByRole('link', { name: 'Welcome to the course' }), 'player');
    expect(new URL(page.url()).pathname).to.equal(`/courses/biz_creator1/videos/${video.id}`);
    expect(await page.getByRole('link', { name: 'Next: Second steps' }).count()).to.equal(1);

    const player = page.locator('video#player');
    expect(await player.getAttribute('title')).to.equal('Welcome to the course');
    const firstSave = page.waitForResponse((r) => r.url().endsWith(`/api/videos/${video.id}/progress`));
    // Muted, so headless Chromium's autoplay policy lets a script start it.
    await player.evaluate((element) => {
      const v = element as unknown as VideoElement;
      v.muted = true;
      return v.play();
    });
    expect((await firstSave).status(), 'the first progress save').to.equal(200);
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.querySelector('video#player').currentTime > 1,
      null,
      { timeout: 15_000 },
    );
    // The save on pause is the one carrying the stopped position: the player also saves every
    // five seconds while playing, and such a save can answer just as the video is paused.
    const saves: { position: string | null; status: number }[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith(`/api/videos/${video.id}/progress`))
        saves.push({ position: new URLSearchParams(r.request().postData() ?? '').get('position'), status: r.status() });
    });
    const stoppedAt = await player.evaluate((element) => {
      const v = element as unknown as VideoElement;
      v.pause();
      return v.currentTime;
    });
    const pauseSave = () => saves.find((save) => save.position === stoppedAt.toFixed(3));
    await until(async () => pauseSave() !== undefined, { what: 'the save on pause', intervalMs: 50 });
    expect(pauseSave()!.status, 'the save on pause').to.equal(200);
    const [row] = await t.runtime.deps.sequelize.query<{ position_seconds: number }>(
      'SELECT position_seconds FROM watch_progress WHERE video_id = :id',
      { replacements: { id: video.id }, type: QueryTypes.SELECT },
    );
    expect(row!.position_seconds).to.be.closeTo(stoppedAt, 0.01);

    // A narrow phone: the player page fits 320 px without scrolling sideways.
    await page.setViewportSize({ width: 320, height: 640 });
    await journey.reload('player-resumed-320px');
    await page.waitForFunction(
      (at) =>
        Math.abs((globalThis as unknown as PageGlobals).document.querySelector('video#player').currentTime - at) < 0.5,
      stoppedAt,
      { timeout: 15_000 },
    );
    const width = await page.evaluate(
      () => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth,
    );
    expect(width, 'page width at 320 px').to.be.at.most(320);
  });

  it('a member without access gets the 403 page with the reason', async () => {
    const journey = await Journey.start(e2e().browser, 'j5-outsider');
    journeys.push(journey);
    await signInWithWhop(journey, urls(), 'user_creator_pro');
    await journey.open(`${t.appUrl}/courses/biz_creator1/videos/${video.id}`, 'refused', { status: 403 });
    expect(await journey.mainText()).to.contain('you are not one');
    expect(await journey.page.locator('video').count()).to.equal(0);
  });
});
