/**
 * The player's signed media URLs: the course pages give their `<video>` a URL signed for the
 * viewer and the video, valid 300 s; the media route serves it without the session (the bytes
 * of the range asked, never stored by a cache), still asks the access rule on every request (an
 * ended membership stops the video at once), and refuses anything changed in it. A URL that is
 * tampered with or expired (an injected clock) is judged by the session cookie alone, as before.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { onboard } from '../support/onboarding.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { TestBrowser } from '../support/test-browser.ts';
import { playableVideo, SAMPLE_WEBM } from '../support/media-fixtures.ts';
import { until } from '../support/wait.ts';
import type { Video } from '../../src/models/video-model.ts';

describe('signed media URLs from the player page', function () {
  this.timeout(60_000);
  let t: ChronosWithSandbox;
  let nowMs = Date.now();
  let creator: TestBrowser;
  let student: TestBrowser;
  let ending: TestBrowser;
  let first: Video;
  let second: Video;

  const url = (path: string) => `${t.appUrl}${path}`;
  /** The `src` of the player page's `<source>`, as the browser requests it. */
  async function playerSrc(browser: TestBrowser, video: Video): Promise<string> {
    const page = await browser.get(url(`/courses/biz_creator1/videos/${video.id}`));
    expect(page.status).to.equal(200);
    const src = /<source src="([^"]+)"/.exec(page.text)?.[1];
    expect(src, 'the player’s media URL').to.be.a('string');
    return url(src!.replaceAll('&amp;', '&'));
  }
  /** A GET of the media URL with no cookie at all (the signature alone), or with `browser`'s cookie. */
  const fetchMedia = (mediaUrl: string, headers: Record<string, string> = {}, browser?: TestBrowser) =>
    fetch(mediaUrl, { headers: { ...headers, ...(browser ? { cookie: browser.cookieHeader(t.appUrl) } : {}) } });
  const withParam = (mediaUrl: string, name: string, value: string) => {
    const changed = new URL(mediaUrl);
    changed.searchParams.set(name, value);
    return changed.toString();
  };

  before(async () => {
    t = await startChronosWithSandbox({ services: { now: () => nowMs } });
    await cleanTables(t.runtime.deps.sequelize);
    creator = await t.signIn('user_creator_free');
    await onboard(t, creator, 'biz_creator1');
    const creatorRow = (await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } }))!;
    const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
    first = await playableVideo(deps, creatorRow.id, { title: 'First lesson', position: 1 });
    second = await playableVideo(deps, creatorRow.id, { title: 'Second lesson', position: 2 });
    student = await t.signIn('user_student1');
    ending = await t.signIn('user_student2');
  });
  after(() => t?.close());

  it('gives the player a URL of this video signed for the viewer, expiring in 300 s', async () => {
    const src = new URL(await playerSrc(student, first));
    expect(src.pathname).to.equal(`/media/videos/${first.id}`);
    expect(src.searchParams.get('viewer')).to.equal('user_student1');
    expect(Number(src.searchParams.get('expires'))).to.equal(Math.floor(nowMs / 1000) + 300);
    expect(src.searchParams.get('signature')).to.match(/^[A-Za-z0-9_-]{43}$/);
  });

  it('serves the range asked for on the signed URL alone, private and never stored', async () => {
    const response = await fetchMedia(await playerSrc(student, first), { range: 'bytes=100-1099' });
    expect(response.status).to.equal(206);
    expect(response.headers.get('content-range')).to.equal(`bytes 100-1099/${SAMPLE_WEBM.length}`);
    expect(response.headers.get('content-type')).to.equal('video/webm');
    expect(response.headers.get('cache-control')).to.equal('no-store');
    expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(response.headers.get('cross-origin-resource-policy')).to.equal('same-origin');
    expect(Buffer.from(await response.arrayBuffer()).equals(SAMPLE_WEBM.subarray(100, 1100))).to.equal(true);
  });

  it('keeps Range right on the signed URL: suffix, unsatisfiable (416) and many ranges as one', async () => {
    const src = await playerSrc(student, first);
    const suffix = await fetchMedia(src, { range: 'bytes=-10' });
    expect(suffix.status).to.equal(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(SAMPLE_WEBM.subarray(-10))).to.equal(true);
    const beyond = await fetchMedia(src, { range: `bytes=${SAMPLE_WEBM.length}-` });
    expect(beyond.status).to.equal(416);
    expect(beyond.headers.get('content-range')).to.equal(`bytes */${SAMPLE_WEBM.length}`);
    const many = await fetchMedia(src, { range: 'bytes=0-9,5-19,100-109' });
    expect(many.status).to.equal(206);
    expect(many.headers.get('content-range')).to.equal(`bytes 0-109/${SAMPLE_WEBM.length}`);
  });

  it('lets the creator preview on their own signed URL', async () => {
    const response = await fetchMedia(await playerSrc(creator, first), { range: 'bytes=0-9' });
    expect(response.status).to.equal(206);
  });

  it('refuses a tampered URL without a session: another video, viewer, expiry or signature', async () => {
    const src = await playerSrc(student, first);
    const otherVideo = src.replace(`/media/videos/${first.id}?`, `/media/videos/${second.id}?`);
    const signature = new URL(src).searchParams.get('signature')!;
    const tampered = [
      otherVideo,
      withParam(src, 'viewer', 'user_student2'),
      withParam(src, 'creator', '1'),
      withParam(src, 'expires', String(Math.floor(nowMs / 1000) + 299)),
      withParam(src, 'signature', `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`),
    ];
    for (const changed of tampered) expect((await fetchMedia(changed)).status, changed).to.equal(401);
  });

  it('judges a URL changed to another viewer by the session of whoever sends it', async () => {
    // user_student2's own cookie with user_student1's URL claiming to be user_student2: the session decides.
    const src = withParam(await playerSrc(student, first), 'viewer', 'user_student2');
    expect((await fetchMedia(src, { range: 'bytes=0-9' }, ending)).status).to.equal(206);
    const outsider = await t.signIn('user_creator_pro');
    expect((await fetchMedia(src, { range: 'bytes=0-9' }, outsider)).status).to.equal(403);
  });

  it('stops answering the signed URL after 300 s: then only the session cookie counts', async () => {
    const src = await playerSrc(student, first);
    const signedAt = nowMs;
    try {
      nowMs = signedAt + 301_000;
      expect((await fetchMedia(src, { range: 'bytes=0-9' })).status).to.equal(401);
      const bySession = await fetchMedia(src, { range: 'bytes=0-9' }, student);
      expect(bySession.status).to.equal(206);
      expect(bySession.headers.get('content-security-policy')).to.contain("default-src 'self'");
    } finally {
      nowMs = signedAt;
    }
  });

  it('answers 404 on a signed URL once the video is deleted', async () => {
    const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
    const doomed = await playableVideo(deps, first.creatorId, { title: 'Doomed', position: 3 });
    const src = await playerSrc(student, doomed);
    await t.runtime.deps.services.videoLibrary.remove(first.creatorId, doomed.id);
    expect((await fetchMedia(src, { range: 'bytes=0-9' })).status).to.equal(404);
  });

  it('keeps the signature out of the logs', async () => {
    const src = await playerSrc(student, first);
    await fetchMedia(src, { range: 'bytes=0-9' });
    const signature = new URL(src).searchParams.get('signature')!;
    await until(async () => t.logLines.some((line) => line.includes('signature=%5Bredacted%5D')), {
      what: 'the media request’s log line',
      intervalMs: 20,
    });
    expect(t.logLines.filter((line) => line.includes(signature))).to.deep.equal([]);
  });

  it('stops a member whose membership ends at once, signed URL or not, and after it expires', async () => {
    const src = await playerSrc(ending, first);
    expect((await fetchMedia(src, { range: 'bytes=0-9' })).status).to.equal(206);
    const memberships = await t.control.memberships();
    const membership = memberships.find((m) => m.user.id === 'user_student2' && m.product.id === 'prod_course1')!;
    await t.control.setStatus(membership.id, 'expired');
    await until(
      async () => {
        await t.drain();
        const row = await t.runtime.deps.models.Student.findOne({ where: { whopUserId: 'user_student2' } });
        return row?.status === 'inactive';
      },
      { what: 'the expiry webhook applied', intervalMs: 50 },
    );
    // Within the URL's 300 s: the access rule is asked on every request.
    expect((await fetchMedia(src, { range: 'bytes=0-9' })).status).to.equal(403);
    const signedAt = nowMs;
    try {
      nowMs = signedAt + 301_000;
      expect((await fetchMedia(src, { range: 'bytes=0-9' })).status).to.equal(401);
      expect((await fetchMedia(src, { range: 'bytes=0-9' }, ending)).status).to.equal(403);
    } finally {
      nowMs = signedAt;
    }
  });
});
