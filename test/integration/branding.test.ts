/**
 * Custom branding (issue 17, point 2) through the app over HTTP: the settings page at each tier,
 * saving a colour and a logo, refusals that change nothing, the public logo and accent routes,
 * branded course, published-courses and lesson pages, and a downgrade that hides branding but keeps it.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { formField, TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { overviewFixtures, type OverviewFixtures } from '../services/admin/overview-fixtures.ts';
import type { Tier } from '../../src/domain/tier-table.ts';
import type { Creator } from '../../src/models/creator-model.ts';
import { LOGO_MAX_BYTES } from '../../src/services/branding/logo-image.ts';
import { JPEG_LOGO, PNG_LOGO, SVG_LOGO } from '../support/logo-fixtures.ts';
import { insertVideo } from '../support/videos.ts';

interface Form {
  accentColor?: string;
  logo?: { name: string; bytes: Buffer; type?: string };
  csrf?: string | null;
}

describe('custom branding', () => {
  let t: ChronosWithSandbox;
  let f: OverviewFixtures;

  before(async () => {
    t = await startChronosWithSandbox();
    f = overviewFixtures(t.runtime.deps);
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  async function creatorOn(tier: Tier): Promise<{ browser: TestBrowser; creator: Creator }> {
    const browser = await t.signIn('user_creator_free');
    const user = await t.runtime.deps.models.User.findOne({ where: { whopUserId: 'user_creator_free' } });
    const creator = await f.creator({ ownerUserId: user!.id, tier, name: 'Ada Academy' });
    return { browser, creator };
  }

  async function setTier(creator: Creator, tier: Tier): Promise<void> {
    await t.runtime.deps.sequelize.query('UPDATE creators SET tier = $2 WHERE id = $1', { bind: [creator.id, tier] });
  }

  async function submit(browser: TestBrowser, form: Form) {
    const page = await browser.get(`${t.appUrl}/settings`);
    const data = new FormData();
    const csrf = form.csrf === undefined ? formField(page.text, '_csrf') : form.csrf;
    if (csrf) data.set('_csrf', csrf);
    data.set('accentColor', form.accentColor ?? '');
    if (form.logo) data.set('logo', new Blob([form.logo.bytes], { type: form.logo.type ?? '' }), form.logo.name);
    else data.set('logo', new Blob([]), '');
    const request = new Request(t.appUrl, { method: 'POST', body: data });
    return browser.request(`${t.appUrl}/settings/branding`, {
      method: 'POST',
      bytes: new Uint8Array(await request.arrayBuffer()),
      headers: { 'content-type': request.headers.get('content-type')! },
    });
  }

  async function row(creator: Creator) {
    const [found] = await t.runtime.deps.sequelize.query<Record<string, unknown>>(
      'SELECT accent_color, logo_key, logo_content_type, logo_bytes, updated_at FROM creator_branding WHERE creator_id = $1',
      { bind: [creator.id], type: QueryTypes.SELECT },
    );
    return found;
  }

  async function storedKeys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const object of t.runtime.deps.services.mediaStorage.list()) keys.push(object.key);
    return keys.sort();
  }

  it('below Pro, shows branding locked with a link to the plans, and refuses a save', async () => {
    const { browser, creator } = await creatorOn('basic');
    const keysBefore = await storedKeys();
    const page = await browser.get(`${t.appUrl}/settings`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('cache-control')).to.equal('no-store');
    expect(page.text).to.contain('Custom branding is locked.');
    expect(page.text).to.contain('<a class="button button-whop" href="/pricing">See plans and upgrade</a>');
    expect(page.text).to.contain('<a href="/settings/api">API tokens</a>');
    expect(page.text).not.to.contain('name="accentColor"');
    const refused = await submit(browser, { accentColor: '#1a73e8', logo: { name: 'a.png', bytes: PNG_LOGO } });
    expect(refused.status).to.equal(403);
    expect(refused.text).to.contain('It comes with the <strong>Pro</strong> plan and above');
    expect(await row(creator)).to.equal(undefined);
    expect(await storedKeys()).to.deep.equal(keysBefore);
  });

  it('lets a Pro creator save a colour and a logo, served with safe headers and shown on their course page', async () => {
    const { browser, creator } = await creatorOn('pro');
    const saved = await submit(browser, { accentColor: '#FFEB3B', logo: { name: 'logo.png', bytes: PNG_LOGO } });
    expect(saved.status).to.equal(303);
    expect(saved.location).to.equal(`${t.appUrl}/settings`);
    const stored = await row(creator);
    expect(stored).to.deep.include({
      accent_color: '#ffeb3b',
      logo_content_type: 'image/png',
      logo_bytes: PNG_LOGO.length,
    });

    const settings = await browser.get(`${t.appUrl}/settings`);
    expect(settings.text).to.contain('Your branding is saved.');
    expect(settings.text).to.contain('value="#ffeb3b"');

    const course = await browser.get(`${t.appUrl}/courses/${creator.whopCompanyId}`);
    expect(course.status).to.equal(200);
    const logoSrc = /<img class="brand-logo" src="([^"]+)" alt="Ada Academy logo">/.exec(course.text)?.[1];
    const cssHref = /<link rel="stylesheet" href="(\/branding\/[^"]+)">/.exec(course.text)?.[1];
    expect(logoSrc).to.match(/^\/branding\/biz_fixture\d+\/logo\?v=\d+$/);
    expect(cssHref).to.match(/^\/branding\/biz_fixture\d+\/accent\.css\?v=\d+$/);
    expect(course.text).not.to.match(/\sstyle\s*=|<style/i);

    // Public: a student's mail client has no session.
    const logo = await new TestBrowser().get(`${t.appUrl}${logoSrc!.replace(/&amp;/g, '&')}`);
    expect(logo.status).to.equal(200);
    expect(logo.headers.get('content-type')).to.equal('image/png');
    expect(logo.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(logo.headers.get('cache-control')).to.equal('public, max-age=3600');
    const bytes = await fetch(`${t.appUrl}${logoSrc!}`).then(async (r) => Buffer.from(await r.arrayBuffer()));
    expect(bytes.equals(PNG_LOGO)).to.equal(true);

    const css = await new TestBrowser().get(`${t.appUrl}${cssHref!}`);
    expect(css.status).to.equal(200);
    expect(css.headers.get('content-type')).to.equal('text/css; charset=utf-8');
    expect(css.text).to.equal(':root { --brand-accent: #ffeb3b; --brand-on-accent: #000000; }\n');
  });

  for (const [what, form, field, message] of [
    [
      'an SVG logo',
      { logo: { name: 'logo.svg', bytes: SVG_LOGO, type: 'image/svg+xml' } },
      'logo-file',
      'SVG logos are not accepted.',
    ],
    [
      'an SVG named .png',
      { logo: { name: 'logo.png', bytes: SVG_LOGO, type: 'image/png' } },
      'logo-file',
      'SVG logos are not accepted.',
    ],
    [
      'a JPEG named .png',
      { logo: { name: 'logo.png', bytes: JPEG_LOGO } },
      'logo-file',
      'This file is a JPEG image but its name ends in .png.',
    ],
    [
      'a logo over 1 MB',
      { logo: { name: 'big.png', bytes: Buffer.concat([PNG_LOGO, Buffer.alloc(LOGO_MAX_BYTES)]) } },
      'logo-file',
      'The logo is larger than 1 MB.',
    ],
    ['an invalid colour', { accentColor: 'red' }, 'accent-color', 'Enter the colour as # and six hexadecimal digits'],
  ] as const) {
    it(`refuses ${what} with a message by the field, and changes nothing`, async () => {
      const { browser, creator } = await creatorOn('pro');
      expect(
        (await submit(browser, { accentColor: '#1a237e', logo: { name: 'a.png', bytes: PNG_LOGO } })).status,
      ).to.equal(303);
      const before = await row(creator);
      const keysBefore = await storedKeys();
      const refused = await submit(browser, { accentColor: '#00ff00', ...form });
      expect(refused.status).to.equal(422);
      expect(refused.text).to.contain('Nothing was saved.');
      const error = new RegExp(`<p class="field-error" id="${field}-error">([^<]*)</p>`).exec(refused.text)?.[1];
      expect(error).to.contain(message);
      expect(await row(creator)).to.deep.equal(before);
      expect(await storedKeys()).to.deep.equal(keysBefore);
    });
  }

  it('refuses a save without the CSRF token and changes nothing', async () => {
    const { browser, creator } = await creatorOn('pro');
    const refused = await submit(browser, { accentColor: '#1a73e8', csrf: null });
    expect(refused.status).to.equal(403);
    expect(await row(creator)).to.equal(undefined);
  });

  it('replaces a logo (the old object is removed) and removes it on request', async () => {
    const { browser, creator } = await creatorOn('pro');
    await submit(browser, { logo: { name: 'a.png', bytes: PNG_LOGO } });
    const first = (await row(creator))!.logo_key as string;
    await submit(browser, { logo: { name: 'b.jpg', bytes: JPEG_LOGO } });
    const second = (await row(creator))!.logo_key as string;
    expect(second).not.to.equal(first);
    expect(await storedKeys())
      .to.include(second)
      .and.not.include(first);
    const page = await browser.get(`${t.appUrl}/settings`);
    const removed = await browser.post(`${t.appUrl}/settings/branding/logo/delete`, {
      _csrf: formField(page.text, '_csrf')!,
    });
    expect(removed.status).to.equal(303);
    expect(await row(creator)).to.deep.include({ logo_key: null, logo_content_type: null, logo_bytes: null });
    expect(await storedKeys()).not.to.include(second);
  });

  it('on a downgrade hides the branding everywhere but keeps it, and shows it again on an upgrade', async () => {
    const { browser, creator } = await creatorOn('pro');
    await submit(browser, { accentColor: '#1a237e', logo: { name: 'a.png', bytes: PNG_LOGO } });
    const course = await browser.get(`${t.appUrl}/courses/${creator.whopCompanyId}`);
    const logoSrc = /<img class="brand-logo" src="([^"]+)"/.exec(course.text)![1]!;
    const cssHref = /<link rel="stylesheet" href="(\/branding\/[^"]+)">/.exec(course.text)![1]!;
    const email = await t.runtime.deps.services.branding.forEmail(creator.id);
    expect(email.branding).to.deep.equal({
      name: 'Ada Academy',
      logoUrl: `${t.appUrl}${logoSrc}`,
      accentColor: '#1a237e',
    });
    const kept = await row(creator);

    await setTier(creator, 'basic');
    const hidden = await browser.get(`${t.appUrl}/courses/${creator.whopCompanyId}`);
    expect(hidden.status).to.equal(200);
    expect(hidden.text).not.to.contain('brand-banner');
    expect(hidden.text).not.to.contain('/branding/');
    expect((await new TestBrowser().get(`${t.appUrl}${logoSrc}`)).status).to.equal(404);
    expect((await new TestBrowser().get(`${t.appUrl}${cssHref}`)).status).to.equal(404);
    expect(await t.runtime.deps.services.branding.forEmail(creator.id)).to.deep.equal({});
    const settings = await browser.get(`${t.appUrl}/settings`);
    expect(settings.text).to.contain('Your saved branding is kept and shows again as soon as you upgrade.');
    expect(await row(creator)).to.deep.equal(kept);

    await setTier(creator, 'enterprise');
    const back = await browser.get(`${t.appUrl}/courses/${creator.whopCompanyId}`);
    expect(back.text).to.contain(`src="${logoSrc}"`);
    expect((await new TestBrowser().get(`${t.appUrl}${logoSrc}`)).status).to.equal(200);
  });

  it('brands the published-courses page and the lesson page the same way, and hides it below Pro', async () => {
    const { browser, creator } = await creatorOn('pro');
    await submit(browser, { accentColor: '#1a237e', logo: { name: 'a.png', bytes: PNG_LOGO } });
    const sql = <T extends object>(query: string, replacements: Record<string, unknown>) =>
      t.runtime.deps.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
    const videoId = await insertVideo(t.runtime.deps.sequelize, creator.id, { title: 'Branded video' });
    const [course] = await sql<{ id: number }>(
      `INSERT INTO courses (creator_id, title, status) VALUES (:creatorId, 'Branded course', 'published') RETURNING id`,
      { creatorId: creator.id },
    );
    const [mod] = await sql<{ id: number }>(
      `INSERT INTO course_modules (course_id, title, position) VALUES (:courseId, 'Module', 1) RETURNING id`,
      { courseId: course!.id },
    );
    const [lesson] = await sql<{ id: number }>(
      `INSERT INTO course_lessons (module_id, video_id, title, position) VALUES (:moduleId, :videoId, 'Branded lesson', 1) RETURNING id`,
      { moduleId: mod!.id, videoId },
    );
    const pages = [`/courses/${creator.whopCompanyId}`, `/courses/${creator.whopCompanyId}/lessons/${lesson!.id}`];
    for (const path of pages) {
      const page = await browser.get(`${t.appUrl}${path}`);
      expect(page.status, path).to.equal(200);
      expect(page.text, path).to.match(
        /<img class="brand-logo" src="\/branding\/biz_fixture\d+\/logo\?v=\d+" alt="Ada Academy logo">/,
      );
      expect(page.text, path).to.match(/<link rel="stylesheet" href="\/branding\/biz_fixture\d+\/accent\.css\?v=\d+">/);
    }
    expect((await browser.get(`${t.appUrl}${pages[1]}`)).text).to.contain('Branded lesson');
    await setTier(creator, 'basic');
    for (const path of pages) {
      const page = await browser.get(`${t.appUrl}${path}`);
      expect(page.status, path).to.equal(200);
      expect(page.text, path).not.to.contain('brand-banner');
      expect(page.text, path).not.to.contain('/branding/');
    }
  });

  it('answers 404 for the branding of a company nobody runs', async () => {
    expect((await new TestBrowser().get(`${t.appUrl}/branding/biz_nobody/logo?v=1`)).status).to.equal(404);
    expect((await new TestBrowser().get(`${t.appUrl}/branding/biz_nobody/accent.css`)).status).to.equal(404);
  });
});
