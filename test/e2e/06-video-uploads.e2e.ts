/**
 * Journey 6: real uploads through the video library's uploader (tus-js-client in Chromium) to
 * the app's tus endpoint, with the media fixtures of test/fixtures/media. A free creator uploads
 * one file and sees the bar reach 100% and the row become ready; an upload interrupted by a page
 * reload resumes where it stopped when the same file is chosen again; a Pro creator uploads three
 * files at once; an upload whose last answer is lost (a dropped connection, a reload) finishes
 * once and is not offered for resuming; deleting a video frees the storage the dashboard shows.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { Page, Request, Route } from 'playwright-core';
import { e2e } from './support/suite-hooks.ts';
import type { Journey } from './support/journey.ts';
import { creatorOnDashboard } from './support/whop-sign-in.ts';
import { SandboxControl } from '../support/sandbox-control.ts';
import { PROJECT_ROOT } from '../support/child-process.ts';
import { until } from '../support/wait.ts';

const MEDIA = join(PROJECT_ROOT, 'test', 'fixtures', 'media');
const WEBM = join(MEDIA, 'sample.webm');
/** A chunk size that splits sample.webm (62 kB) into four PATCH requests, so an upload can stop half-way. */
const SMALL_CHUNK = 16 * 1024;

/** The library row of the video titled `title`. */
const rowOf = (page: Page, title: string) => page.locator('#video-list-region .library-item', { hasText: title });

/** Every tus request the page makes, in order (method, and the offset a PATCH starts at). */
function recordUploads(page: Page): { method: string; offset: string | undefined }[] {
  const seen: { method: string; offset: string | undefined }[] = [];
  page.on('request', (request: Request) => {
    if (!new URL(request.url()).pathname.startsWith('/api/uploads')) return;
    seen.push({ method: request.method(), offset: request.headers()['upload-offset'] });
  });
  return seen;
}

/** Serves the library page with a small tus chunk size (the page's `data-chunk-bytes`), as a slow link would make one file take many requests. */
async function smallChunks(page: Page): Promise<void> {
  await page.route(
    (url) => url.pathname === '/dashboard/videos',
    async (route: Route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace(/data-chunk-bytes="\d+"/, `data-chunk-bytes="${SMALL_CHUNK}"`);
      await route.fulfill({ response, body });
    },
  );
}

const TUS_UPLOAD_URLS = (url: URL) => url.pathname.startsWith('/api/uploads/');

/**
 * Holds the second tus PATCH, as a connection that stalls would; the first one passes.
 * `stalled` resolves once it is held; `stopHolding` lets later requests through; `cutOff` makes
 * the held request fail (Playwright's error code, `failed` by default).
 */
function stallSecondPatch(page: Page) {
  let patches = 0;
  let held: Route | undefined;
  const stalled = new Promise<void>((resolve) => {
    void page.route(TUS_UPLOAD_URLS, async (route) => {
      if (route.request().method() !== 'PATCH' || (patches += 1) < 2) return route.continue();
      held = route;
      resolve();
    });
  });
  return {
    stalled,
    stopHolding: () => page.unroute(TUS_UPLOAD_URLS),
    cutOff: async (errorCode?: string) => held?.abort(errorCode),
  };
}

async function openLibrary(journey: Journey, step: string): Promise<void> {
  await journey.click(journey.page.getByRole('link', { name: 'Upload and manage videos' }), step);
  expect(new URL(journey.page.url()).pathname).to.equal('/dashboard/videos');
}

describe('journey 6: uploading videos', () => {
  let journey: Journey | undefined;
  afterEach(async () => {
    await journey?.close();
    journey = undefined;
  });

  it('uploads a WebM: the bar reaches 100% and the row becomes ready, linking its player', async () => {
    const { chronos, browser } = e2e();
    await new SandboxControl(chronos.sandboxUrl).reset();
    journey = await creatorOnDashboard(browser, 'j6-upload', chronos, 'user_creator_free', 'biz_creator1');
    const { page } = journey;
    await openLibrary(journey, 'library');
    const requests = recordUploads(page);

    await page.getByLabel('Choose a video file').setInputFiles(WEBM);
    const item = page.locator('#upload-queue .upload-item', { hasText: 'sample.webm' });
    await page.locator('#upload-queue .upload-item[data-state="done"]', { hasText: 'sample.webm' }).waitFor();
    expect(await item.locator('progress').getAttribute('value')).to.equal('100');
    expect(await item.locator('.upload-status').innerText()).to.contain('100%');
    expect(requests.filter((r) => r.method === 'POST')).to.have.length(1);

    // The list is read again: the new row is ready and links the player page.
    // The title is the file's name without its extension.
    const row = rowOf(page, 'sample');
    await row.locator('.status-video-ready').waitFor();
    const player = row.getByRole('link', { name: 'sample', exact: true });
    expect(await player.getAttribute('href')).to.match(/^\/courses\/biz_creator1\/videos\/\d+$/);
    await journey.reload('library-after-upload');
    expect(await rowOf(page, 'sample').locator('.status').innerText()).to.equal('Ready');
    expect(await rowOf(page, 'sample').locator('.video-meta').innerText()).to.contain('0:04');

    // It fits a 320 px wide screen: nothing scrolls sideways.
    await page.setViewportSize({ width: 320, height: 640 });
    await journey.reload('library-320px');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).to.be.at.most(320);

    // The title opens the video's player page.
    await journey.click(rowOf(page, 'sample').getByRole('link', { name: 'sample', exact: true }), 'player');
    expect(new URL(page.url()).pathname).to.match(/^\/courses\/biz_creator1\/videos\/\d+$/);
  });

  it('resumes an upload interrupted by a page reload where it stopped, once the same file is chosen again', async () => {
    const { chronos, browser } = e2e();
    journey = await creatorOnDashboard(browser, 'j6-resume', chronos, 'user_creator_free', 'biz_creator1');
    const { page } = journey;
    await smallChunks(page);
    const stall = stallSecondPatch(page);
    await openLibrary(journey, 'library');
    const requests = recordUploads(page);

    await page.getByLabel('Choose a video file').setInputFiles(WEBM);
    await stall.stalled;
    const before = Number(await page.locator('#upload-queue progress').getAttribute('value'));
    expect(before, 'half-way when the connection stalls').to.be.within(1, 99);

    // The creator reloads the page mid-way: the stalled request dies with it.
    await stall.stopHolding();
    await journey.reload('library-reloaded');
    await stall.cutOff().catch(() => undefined);
    expect(await page.locator('#upload-unfinished').innerText()).to.contain('Unfinished upload: sample.webm');
    expect(await page.locator('#video-list-region .library-uploading', { hasText: 'sample' }).count()).to.equal(1);
    const afterReload = requests.length;

    // The same file again: it continues from the server's offset, not from zero.
    await page.getByLabel('Choose a video file').setInputFiles(WEBM);
    const item = page.locator('#upload-queue .upload-item');
    await page.locator('#upload-queue .upload-item[data-state="done"]').waitFor();
    expect(await item.locator('progress').getAttribute('value')).to.equal('100');
    expect(
      requests.filter((r) => r.method === 'POST'),
      'one upload, created once',
    ).to.have.length(1);
    const firstPatch = requests.slice(afterReload).find((r) => r.method === 'PATCH');
    expect(Number(firstPatch?.offset), 'the resumed upload starts past zero').to.be.greaterThan(0);
    await page.locator('#video-list-region .library-item.library-ready', { hasText: 'sample' }).nth(1).waitFor();
    expect(await page.locator('#video-list-region .library-uploading').count()).to.equal(0);
  });

  it('continues an upload after the network drops mid-way, from where it stopped', async () => {
    const { chronos, browser } = e2e();
    journey = await creatorOnDashboard(browser, 'j6-offline', chronos, 'user_creator_free', 'biz_creator1');
    const { page } = journey;
    await smallChunks(page);
    const stall = stallSecondPatch(page);
    await openLibrary(journey, 'library');
    const ready = '#video-list-region .library-item.library-ready';
    const readyBefore = await page.locator(ready).count();
    const requests = recordUploads(page);
    await page.getByLabel('Choose a video file').setInputFiles(WEBM);
    await stall.stalled;

    // The network goes away under the second PATCH.
    await page.context().setOffline(true);
    await stall.stopHolding();
    await stall.cutOff('internetdisconnected');
    const item = page.locator('#upload-queue .upload-item');
    const before = Number(await item.locator('progress').getAttribute('value'));
    expect(before, 'half-way when the network drops').to.be.within(1, 99);
    const dropped = requests.length;

    // Back online: the upload goes on by itself, from the server's offset, and finishes.
    await page.context().setOffline(false);
    await page.locator('#upload-queue .upload-item[data-state="done"]').waitFor({ timeout: 60_000 });
    expect(await item.locator('progress').getAttribute('value')).to.equal('100');
    expect(
      requests.filter((r) => r.method === 'POST'),
      'one upload, created once',
    ).to.have.length(1);
    const resumed = requests.slice(dropped).find((r) => r.method === 'PATCH');
    expect(Number(resumed?.offset), 'the upload continues past zero').to.be.greaterThan(0);
    // One more ready video than before (the creator's earlier journeys left theirs).
    await page.locator(ready).nth(readyBefore).waitFor();
    journey.acceptProblems(
      (p) => p.kind === 'console error' && /ERR_INTERNET_DISCONNECTED/.test(p.text) && p.url.includes('/api/uploads/'),
      'the PATCH cut off by the network drop to be reported',
    );
  });

  it('pauses and resumes an upload, and shows the server’s sentence when it refuses a file', async () => {
    const { chronos, browser } = e2e();
    journey = await creatorOnDashboard(browser, 'j6-pause', chronos, 'user_creator_free', 'biz_creator1');
    const { page } = journey;
    await smallChunks(page);
    const stall = stallSecondPatch(page);
    await openLibrary(journey, 'library');
    const requests = recordUploads(page);
    await page.getByLabel('Choose a video file').setInputFiles(WEBM);
    await stall.stalled;

    // Pause by keyboard: the request in flight stops; Resume continues from the server's offset.
    const item = page.locator('#upload-queue .upload-item');
    await item.getByRole('button', { name: 'Pause sample.webm' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#upload-queue .upload-item[data-state="paused"]').waitFor();
    expect(await item.locator('.upload-status').innerText()).to.match(/^Paused at \d+%/);
    await stall.stopHolding();
    await stall.cutOff().catch(() => undefined);
    const beforeResume = requests.length;
    await item.getByRole('button', { name: 'Resume sample.webm' }).click();
    await page.locator('#upload-queue .upload-item[data-state="done"]').waitFor();
    expect(requests.filter((r) => r.method === 'POST')).to.have.length(1);
    const resumed = requests.slice(beforeResume).find((r) => r.method === 'PATCH');
    expect(Number(resumed?.offset), 'resumed past zero').to.be.greaterThan(0);

    // A file that starts like an MP4 but is none: the server probes it, refuses it with a
    // sentence of its own, and keeps nothing.
    await journey.reload('library-before-refusal');
    const videosBefore = await page.locator('#video-list-region .library-item').count();
    const fake = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(4096, 0x41)]);
    await page
      .getByLabel('Choose a video file')
      .setInputFiles({ name: 'fake.mp4', mimeType: 'video/mp4', buffer: fake });
    const refused = page.locator('#upload-queue .upload-item[data-state="failed"]', { hasText: 'fake.mp4' });
    await refused.waitFor();
    expect(await refused.locator('.upload-status').innerText()).to.contain('This file is not a video we can play.');
    expect(await refused.getByRole('button', { name: /^Retry/ }).isVisible()).to.equal(false);
    // Chromium logs the refused request itself; that one console line is expected, nothing else.
    expect(journey.takeProblems().map((p) => `${p.kind}: ${p.text}`)).to.deep.equal([
      'console error: Failed to load resource: the server responded with a status of 415 ()',
    ]);
    await journey.reload('library-after-refusal');
    expect(await page.locator('#video-list-region .library-item').count()).to.equal(videosBefore);
    expect(await page.locator('#upload-unfinished').isVisible()).to.equal(false);
  });

  it('lets a Pro creator upload three files at once, one queue with a bar per file', async () => {
    const { chronos, browser } = e2e();
    journey = await creatorOnDashboard(browser, 'j6-bulk', chronos, 'user_creator_pro', 'biz_creator2');
    const { page } = journey;
    await openLibrary(journey, 'library');
    const picker = page.getByLabel('Choose video files');
    expect(await picker.getAttribute('multiple')).to.not.equal(null);
    expect(await page.locator('#upload').innerText()).to.not.contain('Pro unlocks bulk upload');

    // Each finished file asks for the list again. The first of those is held until all three are
    // done: the page must not ask again while an answer is out, or an older list could land last.
    const done = page.locator('#upload-queue .upload-item[data-state="done"]');
    const listReads = { asked: 0, out: 0, askedWhileOut: 0 };
    await page.route('**/dashboard/videos', async (route) => {
      if (route.request().resourceType() !== 'fetch') return route.continue();
      listReads.asked += 1;
      if (listReads.out > 0) listReads.askedWhileOut += 1;
      listReads.out += 1;
      if (listReads.asked === 1) await done.nth(2).waitFor({ timeout: 60_000 });
      await route.continue();
      listReads.out -= 1;
    });
    await picker.setInputFiles([WEBM, join(MEDIA, 'sample.mp4'), join(MEDIA, 'sample.mov')]);
    await page.locator('#upload-queue .upload-item').nth(2).waitFor();
    expect(await page.locator('#upload-queue .upload-item').count()).to.equal(3);
    expect(await page.locator('#upload-queue progress').count()).to.equal(3);
    for (const name of ['sample.webm', 'sample.mp4', 'sample.mov']) {
      const item = page.locator('#upload-queue .upload-item', { hasText: name });
      await page.locator('#upload-queue .upload-item[data-state="done"]', { hasText: name }).waitFor();
      expect(await item.locator('progress').getAttribute('value')).to.equal('100');
    }
    // Each file's title is its name without the extension: three ready rows titled "sample".
    await rowOf(page, 'sample').locator('.status-video-ready').nth(2).waitFor();
    await until(async () => listReads.asked === 3 && listReads.out === 0, { what: 'the three list reads' });
    expect(listReads.askedWhileOut, 'list reads asked while another was out').to.equal(0);
    await journey.reload('library-after-bulk');
    expect(await page.locator('#video-list-region .library-ready').count()).to.equal(3);
  });

  it('finishes, once, an upload whose last answer was lost, and offers no finished upload for resuming after a reload', async () => {
    const { chronos, browser } = e2e();
    journey = await creatorOnDashboard(browser, 'j6-last-answer', chronos, 'user_creator_pro', 'biz_creator2');
    const { page } = journey;
    await openLibrary(journey, 'library');
    const ready = page.locator('#video-list-region .library-ready');
    const readyBefore = await ready.count();
    const requests = recordUploads(page);
    // Each file's last PATCH reaches the server, which takes every byte and makes the video ready;
    // the first file's answer is cut off on its way back, the second's held until the page reloads.
    let lastPatches = 0;
    let secondTaken!: () => void;
    const secondDone = new Promise<void>((resolve) => (secondTaken = resolve));
    await page.route(TUS_UPLOAD_URLS, async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      lastPatches += 1;
      await route.fetch();
      if (lastPatches === 1) return route.abort('connectionreset');
      secondTaken();
    });

    // The cut-off answer: tus-js-client retries, asks where the upload stands (HEAD: complete) and is done.
    await page.getByLabel('Choose video files').setInputFiles(join(MEDIA, 'sample.mp4'));
    await page.locator('#upload-queue .upload-item[data-state="done"]', { hasText: 'sample.mp4' }).waitFor();
    expect(requests.map((r) => r.method)).to.deep.equal(['POST', 'PATCH', 'HEAD']);
    await ready.nth(readyBefore).waitFor();
    expect(await ready.count(), 'one video, not two').to.equal(readyBefore + 1);
    expect(journey.takeProblems().map((p) => `${p.kind}: ${p.text}`)).to.deep.equal([
      'console error: Failed to load resource: net::ERR_CONNECTION_RESET',
    ]);

    // The held answer: every byte is sent and taken, and the creator reloads before the answer
    // arrives. The browser still keeps the upload's URL, beside two more: an old one of this company
    // the server no longer has, and one of another company (another creator in this browser).
    await page.getByLabel('Choose video files').setInputFiles(join(MEDIA, 'sample.mov'));
    await secondDone;
    const STORED = "Object.keys(localStorage).filter((key) => key.startsWith('tus::')).sort()";
    expect(await page.evaluate<string[]>(STORED), 'the browser still holds the upload’s URL').to.have.length(1);
    await page.evaluate(`(() => {
      const entry = (id, created) => JSON.stringify({
        size: 1000, metadata: { filename: id + '.mp4', filetype: 'video/mp4' }, creationTime: created,
        uploadUrl: location.origin + '/api/uploads/' + id });
      localStorage.setItem('tus::tus-br-biz_creator2-old.mp4::1', entry('OldUploadOldUploadOldUpload00001', new Date(Date.now() - 86400000).toString()));
      localStorage.setItem('tus::tus-br-biz_creator1-theirs.mp4::2', entry('TheirUploadTheirUploadTheirU0001', new Date().toString()));
    })()`);
    const beforeReload = requests.length;
    await journey.reload('library-after-unseen-finish');
    // Finished (asked: it was started moments ago) and gone (old, not named by the server): both
    // forgotten; the other company's is left alone and not offered here.
    await until(async () => (await page.evaluate<string[]>(STORED)).length === 1, {
      what: 'the finished and the old upload forgotten by the page',
    });
    expect(await page.evaluate<string[]>(STORED)).to.deep.equal(['tus::tus-br-biz_creator1-theirs.mp4::2']);
    expect(
      requests.slice(beforeReload).map((r) => r.method),
      'only the recent one asked about',
    ).to.deep.equal(['HEAD']);
    expect(await page.locator('#upload-unfinished').isVisible()).to.equal(false);
    expect(await page.locator('#video-list-region .library-uploading').count()).to.equal(0);
    expect(await ready.count()).to.equal(readyBefore + 2);
  });

  it('frees the storage shown on the dashboard when a video is deleted', async () => {
    const { chronos, browser } = e2e();
    journey = await creatorOnDashboard(browser, 'j6-delete', chronos, 'user_creator_free', 'biz_creator1');
    const { page } = journey;
    const storage = page.locator('.usage', { hasText: 'Storage' }).locator('.usage-value');
    const videos = page.locator('.usage', { hasText: 'Videos' }).locator('.usage-value');
    // The page rounds to 0.1 MB; the bytes come from /api/me in the same signed-in browser.
    const storedBytes = async () =>
      ((await (await page.request.get(`${chronos.appUrl}/api/me`)).json()) as { usage: { storageBytes: number } }).usage
        .storageBytes;
    const [storageBefore, videosBefore, bytesBefore] = [
      await storage.innerText(),
      await videos.innerText(),
      await storedBytes(),
    ];
    const count = Number(videosBefore.split(' / ')[0]);
    expect(count, 'the earlier uploads of this creator').to.be.at.least(1);

    await openLibrary(journey, 'library');
    const row = page.locator('#video-list-region .library-item').first();
    const title = (await row.locator('.video-title').innerText()).trim();
    await journey.click(row.getByRole('link', { name: /^Delete/ }), 'delete-confirm');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal(`Delete “${title}”?`);
    await journey.click(page.getByRole('button', { name: 'Delete the video' }), 'deleted');
    expect(await page.getByRole('alert').first().innerText()).to.contain(`Deleted “${title}”.`);

    await journey.click(page.getByRole('banner').getByRole('link', { name: 'Dashboard' }), 'dashboard-after-delete');
    expect(await videos.innerText()).to.equal(`${count - 1} / 5`);
    const bytesAfter = await storedBytes();
    expect(bytesAfter, 'the stored bytes went down').to.be.below(bytesBefore);
    if (bytesAfter === 0) expect(await storage.innerText()).to.not.equal(storageBefore);
  });
});
