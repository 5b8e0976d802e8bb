/**
 * The creator's video library over real HTTP with a real database and the disk media storage:
 * what the list shows, renaming (with errors next to the field), reordering, deleting (the
 * counters and the stored object freed at once), who may do it, and the uploader's script.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { formField, type TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { makeFactories } from '../support/factories.ts';
import { visibleText } from '../support/page-text.ts';
import { creatorCounters, insertVideo } from '../support/videos.ts';
import type { Tier } from '../../src/domain/tier-table.ts';

const MB = 1024 ** 2;
const GB = 1024 ** 3;

interface Creatorship {
  browser: TestBrowser;
  creatorId: number;
}

describe('the video library (/dashboard/videos)', () => {
  let t: ChronosWithSandbox;

  before(async () => {
    t = await startChronosWithSandbox();
  });
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));
  after(() => t.close());

  /** The signed-in user_creator_free runs biz_creator1 on `tier`. */
  async function creatorOn(tier: Tier = 'free'): Promise<Creatorship> {
    const { User, Creator } = t.runtime.deps.models;
    const browser = await t.signIn('user_creator_free');
    const user = (await User.findOne({ where: { whopUserId: 'user_creator_free' } }))!;
    const creator = await Creator.create({
      whopCompanyId: 'biz_creator1',
      companyName: 'Creator One',
      ownerUserId: user.id,
      tier,
      tierSourceMembershipId: null,
      tierUpdatedAt: new Date(),
      gracePeriodEndsAt: null,
    });
    return { browser, creatorId: creator.id };
  }

  const library = (c: Creatorship) => c.browser.get(`${t.appUrl}/dashboard/videos`);
  const video = (id: number) => t.runtime.deps.models.Video.findByPk(id);

  async function post(c: Creatorship, path: string, form: Record<string, string> = {}) {
    const page = await library(c);
    return c.browser.post(`${t.appUrl}${path}`, { _csrf: formField(page.text, '_csrf')!, ...form });
  }

  /** The titles of the library page in the order shown. */
  function titlesIn(html: string): string[] {
    return [...html.matchAll(/<h3 class="video-title">\s*(?:<a [^>]*>)?([^<]*?)\s*(?:<\/a>)?\s*<\/h3>/g)].map(
      (m) => m[1]!,
    );
  }

  describe('the list', () => {
    it('shows every video in library order with its status, duration, size in MB/GB, date and failure reason', async () => {
      const c = await creatorOn('pro');
      const sequelize = t.runtime.deps.sequelize;
      const ready = await insertVideo(sequelize, c.creatorId, {
        title: 'Welcome',
        sizeBytes: 62_114,
        durationSeconds: 4,
        position: 1,
        createdAt: new Date('2026-12-01T10:00:00Z'),
      });
      await insertVideo(sequelize, c.creatorId, {
        title: 'Big lecture',
        sizeBytes: 1.5 * GB,
        durationSeconds: 3725,
        position: 2,
      });
      await insertVideo(sequelize, c.creatorId, {
        title: 'Half there',
        sizeBytes: 40 * MB,
        status: 'uploading',
        position: 3,
      });
      await insertVideo(sequelize, c.creatorId, {
        title: 'Not a video',
        status: 'failed',
        failure: 'The file is not an MP4, WebM or QuickTime video.',
        position: 4,
      });
      const page = await library(c);
      expect(page.status).to.equal(200);
      expect(page.headers.get('cache-control')).to.equal('no-store');
      expect(titlesIn(page.text)).to.deep.equal(['Welcome', 'Big lecture', 'Half there', 'Not a video']);
      expect(page.text).to.contain(`href="/courses/biz_creator1/videos/${ready}"`);
      expect(page.text).to.match(/status-video-ready">Ready</);
      expect(page.text).to.match(/status-video-uploading">Uploading</);
      expect(page.text).to.match(/status-video-failed">Failed</);
      expect(page.text).to.contain('Failed: The file is not an MP4, WebM or QuickTime video.');
      expect(page.text).to.contain('0:04');
      expect(page.text).to.contain('1:02:05');
      expect(page.text).to.contain('0.1 MB');
      expect(page.text).to.contain('1.5 GB');
      expect(page.text).to.contain('40 MB reserved');
      expect(page.text).to.contain('1 Dec 2026');
      expect(visibleText(page.text), 'one date style: no ISO dates').not.to.match(/\d{4}-\d{2}-\d{2}/);
      // Only ready videos link to the player.
      expect(page.text.match(/href="\/courses\//g)).to.have.length(2);
    });

    it('lets a Pro creator pick several files and tells a Free creator that Pro unlocks bulk upload', async () => {
      const free = await creatorOn('free');
      const freePage = await library(free);
      expect(freePage.text).to.match(/<input type="file" id="upload-files"[^>]*>/);
      expect(/<input type="file" id="upload-files"[^>]*multiple/.test(freePage.text)).to.equal(false);
      expect(freePage.text).to.contain(`<a href="${t.config.appUrl}/pricing#plan-pro">Pro unlocks bulk upload</a>`);
      expect(freePage.text).to.contain('data-bulk="false"');
      expect(freePage.text).to.contain('data-remaining-videos="5"');
      expect(freePage.text).to.contain(`data-remaining-bytes="${GB}"`);
      expect(freePage.text).to.contain(`data-max-file-bytes="${t.config.media.uploadMaxBytes}"`);

      await cleanTables(t.runtime.deps.sequelize);
      const pro = await creatorOn('pro');
      await insertVideo(t.runtime.deps.sequelize, pro.creatorId, { sizeBytes: GB });
      const proPage = await library(pro);
      expect(proPage.text).to.match(/<input type="file" id="upload-files"[^>]*multiple/);
      expect(proPage.text).not.to.contain('Pro unlocks bulk upload');
      expect(proPage.text).to.contain('data-remaining-videos="499"');
      expect(proPage.text).to.contain(`data-remaining-bytes="${99 * GB}"`);
    });

    it('says when the plan is full and links the upgrade', async () => {
      const c = await creatorOn('free');
      for (let i = 0; i < 5; i += 1) await insertVideo(t.runtime.deps.sequelize, c.creatorId);
      const page = await library(c);
      expect(page.text).to.contain('data-remaining-videos="0"');
      expect(page.text).to.match(
        /used all the video slots of your Free plan\. Delete a video or <a href="\/pricing">upgrade your plan<\/a>/,
      );
    });

    it('is for creators: strangers sign in first, students are refused', async () => {
      const stranger = await fetch(`${t.appUrl}/dashboard/videos`, { redirect: 'manual' });
      expect(stranger.status).to.equal(302);
      expect(stranger.headers.get('location')).to.equal('/login?returnTo=%2Fdashboard%2Fvideos');
      const student = await t.signIn('user_student1');
      expect((await student.get(`${t.appUrl}/dashboard/videos`)).status).to.equal(403);
    });
  });

  describe('rename', () => {
    it('renames a video and says so', async () => {
      const c = await creatorOn();
      const id = await insertVideo(t.runtime.deps.sequelize, c.creatorId, { title: 'Old name' });
      const answer = await post(c, `/dashboard/videos/${id}/title`, { title: '  Lesson one: the basics ' });
      expect(answer.status).to.equal(303);
      expect(answer.location).to.equal(`${t.appUrl}/dashboard/videos#video-${id}`);
      expect((await video(id))?.title).to.equal('Lesson one: the basics');
      expect((await library(c)).text).to.contain('Renamed to “Lesson one: the basics”.');
    });

    it('says so inside the renamed video’s item, where the redirect lands, focusable, and not at the page top', async () => {
      const c = await creatorOn();
      const sequelize = t.runtime.deps.sequelize;
      for (let i = 0; i < 5; i += 1) await insertVideo(sequelize, c.creatorId, { title: `Other ${i}`, position: i });
      const id = await insertVideo(sequelize, c.creatorId, { title: 'Old name', position: 9 });
      await post(c, `/dashboard/videos/${id}/title`, { title: 'New name' });
      const html = (await library(c)).text;
      const item = new RegExp(`<li[^>]*id="video-${id}"[\\s\\S]*?</li>`).exec(html)![0];
      expect(item).to.match(/<p class="notice notice-ok" role="status" tabindex="-1">Renamed to “New name”\.<\/p>/);
      expect(html.match(/Renamed to/g)).to.have.length(1);
      expect(html).to.contain('<script src="/static/js/focus-message.js" defer></script>');
      expect((await library(c)).text, 'said once').not.to.contain('Renamed to');
    });

    for (const [name, title, message] of [
      ['empty', '   ', 'Enter a title.'],
      ['too long', 'x'.repeat(201), 'The title must be at most 200 characters.'],
      ['control characters', 'a\u0007b', 'The title must not contain control characters.'],
    ] as const) {
      it(`refuses a title that is ${name} with the error next to the field, changing nothing`, async () => {
        const c = await creatorOn();
        const id = await insertVideo(t.runtime.deps.sequelize, c.creatorId, { title: 'Kept' });
        const answer = await post(c, `/dashboard/videos/${id}/title`, { title });
        expect(answer.status).to.equal(400);
        expect(answer.text).to.match(
          new RegExp(
            `<input id="title-${id}" name="title"[^>]*aria-invalid="true" aria-describedby="title-${id}-error"`,
          ),
        );
        expect(answer.text).to.contain(`<p class="field-error" id="title-${id}-error">${message}</p>`);
        expect(answer.text).to.match(new RegExp(`<details class="video-rename" open>`));
        expect((await video(id))?.title).to.equal('Kept');
      });
    }

    it('cannot rename another creator’s video (404), and needs the CSRF token (403)', async () => {
      const c = await creatorOn();
      const other = await makeFactories(t.runtime.deps.models).creator();
      const theirs = await insertVideo(t.runtime.deps.sequelize, other.id, { title: 'Theirs' });
      expect((await post(c, `/dashboard/videos/${theirs}/title`, { title: 'Mine now' })).status).to.equal(404);
      expect((await post(c, `/dashboard/videos/${theirs}/title`, { title: '' })).status).to.equal(404);
      const mine = await insertVideo(t.runtime.deps.sequelize, c.creatorId, { title: 'Mine' });
      const forged = await c.browser.post(`${t.appUrl}/dashboard/videos/${mine}/title`, { title: 'Forged' });
      expect(forged.status).to.equal(403);
      expect((await video(theirs))?.title).to.equal('Theirs');
      expect((await video(mine))?.title).to.equal('Mine');
    });
  });

  describe('reorder', () => {
    it('moves a video up and down by swapping it with its neighbour, and leaves the edges as they are', async () => {
      const c = await creatorOn();
      const sequelize = t.runtime.deps.sequelize;
      // Equal positions (uploads that arrived together) are ordered by id, and still swap.
      const a = await insertVideo(sequelize, c.creatorId, { title: 'A', position: 0 });
      const b = await insertVideo(sequelize, c.creatorId, { title: 'B', position: 0 });
      await insertVideo(sequelize, c.creatorId, { title: 'C', position: 0 });
      const order = async () => titlesIn((await library(c)).text);

      const up = await post(c, `/dashboard/videos/${b}/move`, { direction: 'up' });
      expect(up.status).to.equal(303);
      expect(up.location).to.equal(`${t.appUrl}/dashboard/videos#video-${b}`);
      expect(await order()).to.deep.equal(['B', 'A', 'C']);
      expect((await post(c, `/dashboard/videos/${a}/move`, { direction: 'down' })).status).to.equal(303);
      expect(await order()).to.deep.equal(['B', 'C', 'A']);

      expect((await post(c, `/dashboard/videos/${b}/move`, { direction: 'up' })).status).to.equal(303);
      expect((await library(c)).text).to.contain('That video is already first.');
      expect((await post(c, `/dashboard/videos/${a}/move`, { direction: 'down' })).status).to.equal(303);
      expect((await library(c)).text).to.contain('That video is already last.');
      expect(await order()).to.deep.equal(['B', 'C', 'A']);
    });

    it('renders the first video’s Move up and the last one’s Move down disabled', async () => {
      const c = await creatorOn();
      await insertVideo(t.runtime.deps.sequelize, c.creatorId, { title: 'Only' });
      const page = (await library(c)).text;
      expect(page).to.match(/disabled>Move up<span class="visually-hidden"> “Only”<\/span>/);
      expect(page).to.match(/disabled>Move down<span class="visually-hidden"> “Only”<\/span>/);
    });

    it('refuses a direction other than up or down (400), another creator’s video (404), and a missing CSRF token (403)', async () => {
      const c = await creatorOn();
      const sequelize = t.runtime.deps.sequelize;
      const mine = await insertVideo(sequelize, c.creatorId, { title: 'Mine' });
      await insertVideo(sequelize, c.creatorId, { title: 'Second' });
      const other = await makeFactories(t.runtime.deps.models).creator();
      const theirs = await insertVideo(sequelize, other.id, { title: 'Theirs' });
      expect((await post(c, `/dashboard/videos/${mine}/move`, { direction: 'sideways' })).status).to.equal(400);
      expect((await post(c, `/dashboard/videos/${theirs}/move`, { direction: 'down' })).status).to.equal(404);
      expect((await post(c, `/dashboard/videos/abc/move`, { direction: 'down' })).status).to.equal(404);
      expect(
        (await c.browser.post(`${t.appUrl}/dashboard/videos/${mine}/move`, { direction: 'down' })).status,
      ).to.equal(403);
      expect(titlesIn((await library(c)).text)).to.deep.equal(['Mine', 'Second']);
    });
  });

  describe('delete', () => {
    it('asks first, then deletes: the slot and the storage are free at once and the stored object is gone', async () => {
      const c = await creatorOn();
      const sequelize = t.runtime.deps.sequelize;
      const key = 'libraryDeleteTestKey0001';
      const directory = t.config.media.directory;
      mkdirSync(directory, { recursive: true });
      writeFileSync(join(directory, key), 'video bytes');
      writeFileSync(join(directory, `${key}.json`), '{}');
      const id = await insertVideo(sequelize, c.creatorId, { title: 'Goodbye', sizeBytes: 300 * MB, storageKey: key });
      await insertVideo(sequelize, c.creatorId, { title: 'Stays', sizeBytes: 100 * MB });
      expect(await creatorCounters(sequelize, c.creatorId)).to.deep.equal({ videoCount: 2, storageBytes: 400 * MB });

      const confirm = await c.browser.get(`${t.appUrl}/dashboard/videos/${id}/delete`);
      expect(confirm.status).to.equal(200);
      expect(confirm.text).to.contain('Delete “Goodbye”?');
      expect(confirm.text).to.contain(`action="/dashboard/videos/${id}/delete"`);
      expect(await video(id)).to.not.equal(null);

      const answer = await c.browser.post(`${t.appUrl}/dashboard/videos/${id}/delete`, {
        _csrf: formField(confirm.text, '_csrf')!,
      });
      expect(answer.status).to.equal(303);
      expect(answer.location).to.equal(`${t.appUrl}/dashboard/videos`);
      expect(await video(id)).to.equal(null);
      expect(await creatorCounters(sequelize, c.creatorId)).to.deep.equal({ videoCount: 1, storageBytes: 100 * MB });
      expect(existsSync(join(directory, key))).to.equal(false);
      expect(existsSync(join(directory, `${key}.json`))).to.equal(false);
      const page = await library(c);
      expect(page.text).to.contain('Deleted “Goodbye”.');
      expect(titlesIn(page.text)).to.deep.equal(['Stays']);
      const dashboard = await c.browser.get(`${t.appUrl}/dashboard`);
      expect(dashboard.text).to.contain('1 video uses 100 MB of your storage.');
    });

    it('refuses another creator’s video (404) and a missing CSRF token (403), deleting nothing', async () => {
      const c = await creatorOn();
      const sequelize = t.runtime.deps.sequelize;
      const other = await makeFactories(t.runtime.deps.models).creator();
      const theirs = await insertVideo(sequelize, other.id, { title: 'Theirs' });
      const mine = await insertVideo(sequelize, c.creatorId, { title: 'Mine' });
      expect((await c.browser.get(`${t.appUrl}/dashboard/videos/${theirs}/delete`)).status).to.equal(404);
      expect((await post(c, `/dashboard/videos/${theirs}/delete`)).status).to.equal(404);
      expect((await c.browser.post(`${t.appUrl}/dashboard/videos/${mine}/delete`, {})).status).to.equal(403);
      expect(await video(theirs)).to.not.equal(null);
      expect(await video(mine)).to.not.equal(null);
      expect(await creatorCounters(sequelize, other.id)).to.deep.equal({ videoCount: 1, storageBytes: MB });
    });
  });

  describe('the uploader’s script and the old typed-size routes', () => {
    it('serves tus-js-client from the app as JavaScript with a long cache, and the page loads it', async () => {
      const c = await creatorOn();
      const page = await library(c);
      expect(page.text).to.contain('<script src="/static/vendor/tus.min.js?v=4.3.1" defer></script>');
      expect(page.text).to.contain('<script type="module" src="/static/js/uploader.js"></script>');
      const bundle = await fetch(`${t.appUrl}/static/vendor/tus.min.js?v=4.3.1`);
      expect(bundle.status).to.equal(200);
      expect(bundle.headers.get('content-type')).to.match(/^text\/javascript/);
      expect(bundle.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
      expect(bundle.headers.get('set-cookie')).to.equal(null);
      expect(await bundle.text()).to.contain('tus');
      const uploader = await fetch(`${t.appUrl}/static/js/uploader.js`);
      expect(uploader.status).to.equal(200);
      expect(uploader.headers.get('content-type')).to.match(/javascript/);
    });

    it('has no route that adds a video by typing its size any more (404)', async () => {
      const c = await creatorOn();
      const page = await library(c);
      const csrf = formField(page.text, '_csrf')!;
      const form = await c.browser.post(`${t.appUrl}/dashboard/videos`, {
        _csrf: csrf,
        title: 'Typed',
        sizeBytes: '1000',
        durationSeconds: '60',
      });
      expect(form.status).to.equal(404);
      const json = await c.browser.request(`${t.appUrl}/api/videos`, {
        method: 'POST',
        json: { title: 'Typed', sizeBytes: 1000, durationSeconds: 60 },
        headers: { 'x-csrf-token': csrf },
      });
      expect(json.status).to.equal(404);
      expect(await t.runtime.deps.models.Video.count()).to.equal(0);
      expect((await c.browser.get(`${t.appUrl}/dashboard`)).text).not.to.contain('name="sizeBytes"');
    });
  });

  describe('a form too large to read (413)', () => {
    it('answers with the signed-in header, says why in words, and links back to the form on this site', async () => {
      const c = await creatorOn('free');
      const id = await insertVideo(t.runtime.deps.sequelize, c.creatorId, { title: 'Kept', position: 1 });
      const page = await library(c);
      const answer = await c.browser.request(`${t.appUrl}/dashboard/videos/${id}/title`, {
        method: 'POST',
        form: { _csrf: formField(page.text, '_csrf')!, title: 'x'.repeat(200 * 1024) },
        headers: { referer: `${t.appUrl}/dashboard/videos` },
      });
      expect(answer.status).to.equal(413);
      expect(answer.text).to.contain('Fran Free');
      expect(answer.text).to.not.contain('Sign in');
      expect(answer.text).to.contain('What you sent is longer than Chronos accepts, so nothing was saved.');
      expect(answer.text).to.contain('<a class="button" href="/dashboard/videos">Back to the form</a>');
      expect((await video(id))?.title).to.equal('Kept');

      const foreign = await c.browser.request(`${t.appUrl}/dashboard/videos/${id}/title`, {
        method: 'POST',
        form: { _csrf: formField(page.text, '_csrf')!, title: 'x'.repeat(200 * 1024) },
        headers: { referer: 'https://evil.example/dashboard/videos' },
      });
      expect(foreign.status).to.equal(413);
      expect(foreign.text).to.not.contain('Back to the form');
    });
  });
});
