/**
 * Journey 12: after any form, the answer is where the user is looking. A success is said inside
 * the item the redirect lands on, a refusal next to its field (aria-invalid, aria-describedby),
 * and focus is on that message or field, inside the viewport, at 1280 and 390 px: the course
 * editor, API tokens, branding and the admin's reconciliation and filters. A form too large to
 * send keeps what was typed: stopped in the browser before it leaves (the submit check), or,
 * past the field's limit but not the body's, shown again by the server with the text kept.
 *
 * It runs its own Chronos (like journey 7) so the creator can be on Pro with a ready video.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { e2e } from './support/suite-hooks.ts';
import { Journey } from './support/journey.ts';
import { signInWithWhop } from './support/whop-sign-in.ts';
import type { ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { startWithPaidCreator, stopPaidCreatorChronos } from './support/paid-creator.ts';

interface Focused {
  tag: string;
  id: string;
  className: string;
  text: string;
  /** The id of the closest ancestor with an id (the item the message belongs to). */
  within: string;
  invalid: string | null;
  describedBy: string[];
  /** Whether the element lies inside the viewport (what the user sees without scrolling). */
  inView: boolean;
}

/** `document.activeElement`, described (a string, so the tests compile without the DOM library). */
const FOCUSED = `(() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    className: el.className,
    text: (el.innerText || '').trim(),
    within: el.parentElement && el.parentElement.closest('[id]') ? el.parentElement.closest('[id]').id : '',
    invalid: el.getAttribute('aria-invalid'),
    describedBy: (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean),
    inView: r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight,
  };
})()`;

const focused = (page: Page) => page.evaluate<Focused>(FOCUSED);

/** The focused element is a notice saying `text`, inside the element `#within`, in view. */
async function expectNoticeFocused(page: Page, within: string, text: string | RegExp): Promise<void> {
  const f = await focused(page);
  expect(f.className, `focus on a notice (${JSON.stringify(f)})`).to.match(/\bnotice\b/);
  if (typeof text === 'string') expect(f.text).to.contain(text);
  else expect(f.text).to.match(text);
  expect(f.within, 'the notice sits in the item acted on').to.equal(within);
  expect(f.inView, 'the notice is in the viewport').to.equal(true);
}

/** The focused element is field `#id`, invalid, described by its error (which says `text`), both in view. */
async function expectFieldErrorFocused(page: Page, id: string, errorId: string, text: string): Promise<void> {
  const f = await focused(page);
  expect(f.id, `focus on the field (${JSON.stringify(f)})`).to.equal(id);
  expect(f.invalid).to.equal('true');
  expect(f.describedBy).to.include(errorId);
  const error = page.locator(`#${errorId}`);
  expect(await error.innerText()).to.contain(text);
  expect(await error.isVisible()).to.equal(true);
  expect(f.inView, 'the field is in the viewport').to.equal(true);
  // The message is right below its field.
  const [fieldBox, errorBox] = await Promise.all([page.locator(`#${id}`).boundingBox(), error.boundingBox()]);
  expect(errorBox!.y - (fieldBox!.y + fieldBox!.height)).to.be.within(-1, 40);
}

describe('journey 12: answers where the user acted', function () {
  let t: ChronosWithSandbox;
  const journeys: Journey[] = [];
  const urls = () => ({ appUrl: t.appUrl, sandboxUrl: t.sandbox.url });

  before(async function () {
    this.timeout(120_000);
    ({ t } = await startWithPaidCreator('pro', ['Welcome video']));
  });
  afterEach(async () => {
    for (const journey of journeys.splice(0)) await journey.close();
  });
  after(async function () {
    this.timeout(60_000);
    await stopPaidCreatorChronos(t);
  });

  async function start(name: string, whopUserId: string, width = 1280): Promise<Journey> {
    const journey = await Journey.start(e2e().browser, name);
    journeys.push(journey);
    await journey.page.setViewportSize({ width, height: 800 });
    await signInWithWhop(journey, urls(), whopUserId);
    return journey;
  }

  let editorUrl: string;
  /** A module found by its own title (another module's "Move to module" list names it too). */
  const moduleTitled = (page: Page, title: string) =>
    page.locator('.course-module', { has: page.locator('.module-title', { hasText: new RegExp(`^${title}$`) }) });

  it('course editor: each change is said inside the module or lesson it changed, focused and in view (1280 px)', async () => {
    const journey = await start('j12-editor', 'user_creator_free');
    const { page } = journey;
    await journey.open(`${t.appUrl}/dashboard/courses`, 'courses');
    await page.getByLabel('Course title').fill('Focus course');
    await journey.click(page.getByRole('button', { name: 'Create course' }), 'editor');
    editorUrl = page.url();
    await expectNoticeFocused(page, 'main', 'Created the course “Focus course”');

    for (const title of ['One', 'Two']) {
      await page.locator('#new-module-title').fill(title);
      await journey.click(page.getByRole('button', { name: 'Add module' }), `module-${title}`);
      const id = await moduleTitled(page, title).getAttribute('id');
      expect(new URL(page.url()).hash).to.equal(`#${id}`);
      await expectNoticeFocused(page, id!, `Added the module “${title}”.`);
    }
    const one = page.locator('.course-module').first();
    for (const lesson of ['First', 'Second']) {
      const add = one.locator('details', { has: page.locator('summary', { hasText: 'Add a lesson' }) });
      if ((await add.getAttribute('open')) === null) await add.locator('summary').click();
      await add.getByLabel('Lesson title').fill(lesson);
      await add.getByLabel('Video').selectOption({ label: 'Welcome video' });
      await journey.click(add.getByRole('button', { name: 'Add lesson' }), `lesson-${lesson}`);
      const id = await page.locator('li[id^="lesson-"]', { hasText: lesson }).getAttribute('id');
      await expectNoticeFocused(page, id!, `Added the lesson “${lesson}”.`);
    }
  });

  it('course editor at 390 px: a move is said at the lesson moved; a title refused is said next to it with the text kept', async () => {
    const journey = await start('j12-editor-390', 'user_creator_free', 390);
    const { page } = journey;
    await journey.open(editorUrl, 'editor-390px');
    const first = page.locator('li[id^="lesson-"]', { hasText: 'First' });
    const id = (await first.getAttribute('id'))!;
    await journey.click(first.getByRole('button', { name: /^Move down/ }), 'moved-390px');
    await expectNoticeFocused(page, id, 'Moved the lesson');

    // Rename a module to blank spaces (the browser's `required` is satisfied by spaces).
    const two = moduleTitled(page, 'Two');
    const moduleId = (await two.getAttribute('id'))!.replace('module-', '');
    await two.locator('summary', { hasText: 'Rename' }).click();
    await two.getByLabel('Module title').fill('   ');
    await journey.click(two.getByRole('button', { name: 'Save module title' }), 'rename-refused-390px', {
      status: 400,
    });
    await expectFieldErrorFocused(
      page,
      `module-title-${moduleId}`,
      `module-title-${moduleId}-error`,
      'Enter a module title.',
    );
    expect(await page.locator('.notice[role="alert"]').count(), 'said once, next to the field').to.equal(0);
    expect(await page.locator(`#module-title-${moduleId}`).inputValue(), 'what was typed').to.equal('   ');
  });

  it('a lesson text past its limit comes back from the server with the text kept and the reason next to it', async () => {
    const journey = await start('j12-long-text', 'user_creator_free');
    const { page } = journey;
    await journey.open(editorUrl, 'editor');
    const two = moduleTitled(page, 'Two');
    const moduleId = (await two.getAttribute('id'))!.replace('module-', '');
    const body = page.locator(`#new-lesson-${moduleId}-body`);
    // A browser without maxlength, or a paste it did not cut: 10,050 characters, within the body limit.
    await body.evaluate((el) => el.removeAttribute('maxlength'));
    const typed = `${'Long notes, kept. '.repeat(558)}end`;
    expect(typed.length).to.be.above(10_000);
    await page.locator(`#new-lesson-${moduleId}-title`).fill('Third');
    await page.locator(`#new-lesson-${moduleId}-video`).selectOption({ label: 'Welcome video' });
    await body.fill(typed);
    await journey.click(two.getByRole('button', { name: 'Add lesson' }), 'long-text-refused', { status: 400 });
    await expectFieldErrorFocused(
      page,
      `new-lesson-${moduleId}-body`,
      `new-lesson-${moduleId}-body-error`,
      'The lesson text must be at most 10000 characters.',
    );
    expect(await page.locator(`#new-lesson-${moduleId}-body`).inputValue()).to.equal(typed);
    expect(await page.locator(`#new-lesson-${moduleId}-title`).inputValue()).to.equal('Third');
  });

  it('a form too large to send is stopped in the browser: the text stays, the reason is next to the field', async () => {
    const journey = await start('j12-too-large', 'user_creator_free', 390);
    const { page } = journey;
    await journey.open(editorUrl, 'editor-390px');
    const two = moduleTitled(page, 'Two');
    const moduleId = (await two.getAttribute('id'))!.replace('module-', '');
    const body = page.locator(`#new-lesson-${moduleId}-body`);
    await body.evaluate((el) => el.removeAttribute('maxlength'));
    // 20,000 "é": 120 KB once percent-encoded, over the 100 KB a form may carry.
    const typed = 'é'.repeat(20_000);
    await page.locator(`#new-lesson-${moduleId}-title`).fill('Too large');
    await page.locator(`#new-lesson-${moduleId}-video`).selectOption({ label: 'Welcome video' });
    await body.fill(typed);
    let posted = false;
    page.on('request', (r) => {
      if (r.method() === 'POST') posted = true;
    });
    await two.getByRole('button', { name: 'Add lesson' }).click();
    const error = `new-lesson-${moduleId}-body-size-error`;
    await page.locator(`#${error}`).waitFor();
    expect(posted, 'nothing was sent').to.equal(false);
    expect(page.url()).to.equal(editorUrl);
    await expectFieldErrorFocused(page, `new-lesson-${moduleId}-body`, error, 'This text is too long to send.');
    expect(await body.inputValue()).to.equal(typed);
    expect(journey.takeProblems()).to.deep.equal([]);

    // Shortened, it goes through; the earlier message is gone.
    await body.fill('Short now.');
    await journey.click(two.getByRole('button', { name: 'Add lesson' }), 'sent');
    expect(await page.locator('.client-size-error').count()).to.equal(0);
    const lessonId = await page.locator('li[id^="lesson-"]', { hasText: 'Too large' }).getAttribute('id');
    await expectNoticeFocused(page, lessonId!, 'Added the lesson “Too large”.');
  });

  it('branding: a logo too large is refused before it is sent, and after it the server says the same, keeping the colour typed', async () => {
    const journey = await start('j12-branding', 'user_creator_free', 390);
    const { page } = journey;
    await journey.open(`${t.appUrl}/settings`, 'settings-390px');
    await page.getByLabel('Accent colour').fill('#0b5394');
    const big = { name: 'logo.png', mimeType: 'image/png', buffer: Buffer.alloc(2 * 1024 * 1024, 1) };
    await page.getByLabel('Logo').setInputFiles(big);
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.locator('#logo-file-size-error').waitFor();
    await expectFieldErrorFocused(
      page,
      'logo-file',
      'logo-file-size-error',
      'The logo is larger than 1 MB. Choose a smaller image.',
    );
    expect(await page.getByLabel('Accent colour').inputValue()).to.equal('#0b5394');

    // Without the browser's check (no script, say), the server answers the same, next to the field.
    await page.locator('#logo-file').evaluate((el) => el.removeAttribute('data-max-bytes'));
    await journey.click(page.getByRole('button', { name: 'Save branding' }), 'logo-refused-390px', { status: 422 });
    await expectFieldErrorFocused(
      page,
      'logo-file',
      'logo-file-error',
      'The logo is larger than 1 MB. Choose a smaller image.',
    );
    expect(await page.getByLabel('Accent colour').inputValue()).to.equal('#0b5394');
  });

  it('API tokens: a revoke is said in the token list, focused and in view at 390 px', async () => {
    const journey = await start('j12-tokens', 'user_creator_free', 390);
    const { page } = journey;
    await journey.open(`${t.appUrl}/settings/api`, 'tokens-390px');
    for (const name of ['Script A', 'Script B']) {
      await page.locator('#token-name').fill(name);
      await journey.click(page.getByRole('button', { name: 'Create token' }), `created-${name}`, { status: 201 });
      await journey.open(`${t.appUrl}/settings/api`, 'tokens-390px');
    }
    const item = page.locator('.token-item', { hasText: 'Script A' });
    await journey.click(item.getByRole('button', { name: /Revoke/ }), 'revoked-390px');
    await expectNoticeFocused(page, 'tokens', 'Revoked “Script A”');
  });

  it('admin: reconciliation says its outcome in its own section, focused and in view; a bad filter is said next to it', async () => {
    for (const width of [1280, 390]) {
      const journey = await start(`j12-admin-${width}`, 'user_admin', width);
      const { page } = journey;
      await journey.open(`${t.appUrl}/admin/webhooks`, `webhooks-${width}px`);
      await journey.click(page.getByRole('button', { name: 'Reconcile now' }), `reconciled-${width}px`);
      expect(new URL(page.url()).hash).to.equal('#reconciliation');
      await expectNoticeFocused(
        page,
        'reconciliation',
        /^Reconciliation (succeeded|started|is already)|already running/,
      );

      await journey.open(`${t.appUrl}/admin/webhooks?type=not%20a%20type#recent`, `bad-filter-${width}px`, {
        status: 400,
      });
      await expectFieldErrorFocused(
        page,
        'filter-type',
        'filter-type-error',
        'The type filter must be an event type such as membership.activated.',
      );
      await journey.close();
      journeys.splice(journeys.indexOf(journey), 1);
    }
  });
});
