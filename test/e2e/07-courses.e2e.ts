/**
 * Journey 7: the course builder. A Basic creator builds a course of two modules from the
 * keyboard (no drag and drop: "Move to module" and "Move up"/"Move down" are buttons), then
 * publishes it; a student opens it, plays a lesson, and "Continue where you left off" brings
 * them back to where they stopped. After a downgrade to Free the builder is locked with an
 * upgrade link while the published course stays open to the student.
 *
 * Like journey 5 it runs its own Chronos (real HTTP, real PostgreSQL, the sandbox beside it)
 * so the creator's tier and ready videos can be set up before the browser starts.
 */
import { expect } from 'chai';
import { e2e } from './support/suite-hooks.ts';
import { Journey } from './support/journey.ts';
import { signInWithWhop } from './support/whop-sign-in.ts';
import type { ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { startWithPaidCreator, stopPaidCreatorChronos } from './support/paid-creator.ts';

/** The part of an HTMLVideoElement the journey drives (the tests compile without the DOM library). */
interface VideoElement {
  muted: boolean;
  currentTime: number;
  play(): Promise<void>;
  pause(): void;
}
interface PageGlobals {
  document: { querySelector(selector: string): VideoElement };
}

describe('journey 7: building and following a course', function () {
  let t: ChronosWithSandbox;
  let basicMembership: string;
  const journeys: Journey[] = [];
  const urls = () => ({ appUrl: t.appUrl, sandboxUrl: t.sandbox.url });

  before(async function () {
    this.timeout(120_000);
    ({ t, planMembershipId: basicMembership } = await startWithPaidCreator('basic', [
      'Welcome video',
      'Practice video',
    ]));
  });
  afterEach(async () => {
    for (const journey of journeys.splice(0)) await journey.close();
  });
  after(async function () {
    this.timeout(60_000);
    await stopPaidCreatorChronos(t);
  });

  async function start(name: string, whopUserId: string): Promise<Journey> {
    const journey = await Journey.start(e2e().browser, name);
    journeys.push(journey);
    await signInWithWhop(journey, urls(), whopUserId);
    return journey;
  }

  // The creator's journey spans the next three steps (one browser session; it closes after publishing).
  let creatorJourney: Journey;

  it('a Basic creator starts a course and adds two modules', async () => {
    creatorJourney = await Journey.start(e2e().browser, 'j7-creator');
    const journey = creatorJourney;
    await signInWithWhop(journey, urls(), 'user_creator_free');
    const { page } = journey;
    await journey.click(page.getByRole('link', { name: 'Build courses' }), 'courses');
    expect(new URL(page.url()).pathname).to.equal('/dashboard/courses');

    await page.getByLabel('Course title').fill('Start here');
    await journey.click(page.getByRole('button', { name: 'Create course' }), 'editor');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Start here');

    for (const title of ['Basics', 'Going further']) {
      await page.locator('#new-module-title').fill(title);
      await journey.click(page.getByRole('button', { name: 'Add module' }), `module-${title}`);
    }
  });

  it('the creator adds two lessons, each a video plus text', async () => {
    const journey = creatorJourney;
    const { page } = journey;
    // A module is found by its own title (another module's "Move to module" list names it too).
    const moduleTitled = (title: string) =>
      page.locator('.course-module', { has: page.locator('.module-title', { hasText: new RegExp(`^${title}$`) }) });
    const basics = moduleTitled('Basics');
    // Both lessons go into the first module; one is then moved to the second with the keyboard.
    for (const [lesson, video] of [
      ['First lesson', 'Welcome video'],
      ['Second lesson', 'Practice video'],
    ] as const) {
      // Once the module has a lesson its "Add a lesson" part is closed (its button hidden): found by its summary.
      const add = basics.locator('details', { has: page.locator('summary', { hasText: 'Add a lesson' }) });
      if ((await add.getAttribute('open')) === null) await add.locator('summary').click();
      await add.getByLabel('Lesson title').fill(lesson);
      await add.getByLabel('Video').selectOption({ label: video });
      await add.getByLabel('Text (optional)').fill(`Notes for ${lesson.toLowerCase()}.`);
      await journey.click(add.getByRole('button', { name: 'Add lesson' }), `lesson-${lesson}`);
    }
  });

  it('the creator moves a lesson and a module from the keyboard, and publishes the course', async () => {
    const journey = creatorJourney;
    journeys.push(journey);
    const { page } = journey;
    const second = page.locator('li[id^="lesson-"]', { hasText: 'Second lesson' });
    await second.getByLabel(/Move to module/).selectOption({ label: 'Going further' });
    await second.getByRole('button', { name: /^Move lesson “Second lesson” to that module/ }).focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    // Said inside the lesson moved, where the redirect lands (journey 12 checks focus and viewport).
    expect(await second.locator('.notice').innerText()).to.contain('Moved the lesson');

    // "Move up" from the keyboard: focus the button and press Enter.
    const further = () =>
      page.locator('.course-module', { has: page.locator('.module-title', { hasText: /^Going further$/ }) });
    await further().getByRole('button', { name: 'Move up module “Going further”' }).focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const modules = await page.locator('.course-modules > li .module-title').allInnerTexts();
    expect(modules).to.deep.equal(['Going further', 'Basics']);
    await further().getByRole('button', { name: 'Move down module “Going further”' }).focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.locator('.course-modules > li .module-title').allInnerTexts()).to.deep.equal([
      'Basics',
      'Going further',
    ]);
    expect(await further().locator('.video-title').allInnerTexts()).to.deep.equal(['Second lesson']);

    await journey.click(page.getByRole('button', { name: 'Publish' }), 'published');
    expect((await page.locator('#course-status').textContent())?.trim()).to.equal('Published');

    await page.setViewportSize({ width: 320, height: 640 });
    await journey.reload('editor-320px');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).to.be.at.most(320);
  });

  it('a student opens the published course, plays a lesson and continues where they left off', async () => {
    const journey = await start('j7-student', 'user_student1');
    const { page } = journey;
    await journey.click(page.getByRole('link', { name: 'Open the course of Creator One Academy' }), 'course');
    expect(await page.getByRole('heading', { level: 2, name: 'Start here' }).count()).to.equal(1);
    expect(await page.locator('.module-title').allInnerTexts()).to.deep.equal([
      'Module 1: Basics',
      'Module 2: Going further',
    ]);
    expect(await page.locator('.lesson-state').allInnerTexts()).to.deep.equal(['Not started', 'Not started']);

    await journey.click(page.getByRole('link', { name: 'First lesson' }), 'lesson');
    expect(await page.locator('.lesson-text').innerText()).to.contain('Notes for first lesson.');
    const player = page.locator('video#player');
    await player.evaluate((element) => {
      const v = element as unknown as VideoElement;
      v.muted = true;
      return v.play();
    });
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.querySelector('video#player').currentTime > 1,
      null,
      { timeout: 15_000 },
    );
    const saved = page.waitForResponse((r) => r.url().includes('/progress') && r.request().method() === 'POST');
    const stoppedAt = await player.evaluate((element) => {
      const v = element as unknown as VideoElement;
      v.pause();
      return v.currentTime;
    });
    expect((await saved).status()).to.equal(200);

    await journey.click(page.getByRole('link', { name: 'All lessons' }), 'course-with-progress');
    expect((await page.locator('.lesson-state').allInnerTexts())[0]).to.match(/^In progress · \d+%$/);
    const resume = page.locator('section', { hasText: 'Continue where you left off' });
    await journey.click(resume.getByRole('link', { name: 'First lesson' }), 'resumed');
    await page.waitForFunction(
      (at) =>
        Math.abs((globalThis as unknown as PageGlobals).document.querySelector('video#player').currentTime - at) < 0.5,
      stoppedAt,
      { timeout: 15_000 },
    );
    expect(await page.getByRole('link', { name: 'Next lesson: Second lesson' }).count()).to.equal(1);
  });

  it('after a downgrade to Free the builder is locked with an upgrade link, and the student still reads the course', async () => {
    await t.control.setStatus(basicMembership, 'canceled');
    await t.drain();
    const creator = await start('j7-downgraded', 'user_creator_free');
    const { page } = creator;
    await creator.open(`${t.appUrl}/dashboard/courses`, 'courses-locked');
    expect(await page.getByRole('heading', { name: 'The course builder is a Basic feature' }).count()).to.equal(1);
    expect(await page.getByRole('link', { name: 'Upgrade to Basic' }).getAttribute('href')).to.match(
      /\/pricing#plan-basic$/,
    );
    expect(await page.getByRole('button', { name: 'Create course' }).count()).to.equal(0);
    await creator.click(page.getByRole('link', { name: 'Start here' }), 'editor-locked');
    expect(
      await page
        .getByRole('button')
        .filter({ hasText: /Publish|Unpublish|Move/ })
        .count(),
    ).to.equal(0);
    expect(await page.locator('.video-title').allInnerTexts()).to.deep.equal(['First lesson', 'Second lesson']);

    const student = await start('j7-student-after', 'user_student1');
    await student.open(`${t.appUrl}/courses/biz_creator1`, 'course-after-downgrade');
    expect(await student.page.getByRole('heading', { level: 2, name: 'Start here' }).count()).to.equal(1);
    await student.click(student.page.getByRole('link', { name: 'Second lesson' }), 'lesson-after-downgrade');
    expect(await student.page.locator('video#player').count()).to.equal(1);
  });
});
