/**
 * Chronos as a Whop App: the member view (`/experiences/<exp>`) and team view
 * (`/dashboard/<biz>`) answer only requests carrying Whop's `x-whop-user-token` (signed by the
 * sandbox's published key, as Whop's proxy does), authorised by Whop's check-access over real
 * HTTP; no session, no cookie; framing only by `WHOP_FRAME_ANCESTORS`; media on signed URLs;
 * state changes only with the CSRF token bound to the user and experience or company. Every
 * refusal is a 401/403 page that changes nothing. And the sandbox's app proxy frames it all.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { onboard } from '../support/onboarding.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { TestBrowser } from '../support/test-browser.ts';
import { playableVideo, SAMPLE_WEBM } from '../support/media-fixtures.ts';
import { until } from '../support/wait.ts';
import type { Video } from '../../src/models/video-model.ts';

const EXPERIENCE = 'exp_creator2';

describe('Whop App: embedded member and team views', function () {
  this.timeout(60_000);
  let t: ChronosWithSandbox;
  let lesson: Video;
  let otherCreatorsVideo: Video;
  let member: string;

  const url = (path: string) => `${t.appUrl}${path}`;
  const tokenFor = (userId: string) => t.sandbox.sandbox.oidc.userTokens.sign(userId);
  async function embedded(path: string, userId: string | null, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (userId) headers.set('x-whop-user-token', await tokenFor(userId));
    return fetch(url(path), { ...init, headers, redirect: 'manual' });
  }
  const progressRows = async (videoId: number) =>
    (
      await t.runtime.deps.sequelize.query<{ n: string }>(
        'SELECT count(*) AS n FROM watch_progress WHERE video_id = :videoId',
        { replacements: { videoId }, type: QueryTypes.SELECT },
      )
    )[0]!.n;
  const csrfOf = (html: string) => /data-csrf(?:-token)?="([^"]+)"/.exec(html)?.[1];

  before(async () => {
    t = await startChronosWithSandbox({ sandbox: { appProxyPort: 0 } });
    await cleanTables(t.runtime.deps.sequelize);
    await onboard(t, await t.signIn('user_creator_pro'), 'biz_creator2');
    const creatorFree = await t.signIn('user_creator_free');
    await onboard(t, creatorFree, 'biz_creator1');
    const { Creator } = t.runtime.deps.models;
    const creator2 = (await Creator.findOne({ where: { whopCompanyId: 'biz_creator2' } }))!;
    const creator1 = (await Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } }))!;
    const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
    lesson = await playableVideo(deps, creator2.id, { title: 'Embedded lesson' });
    otherCreatorsVideo = await playableVideo(deps, creator1.id, { title: 'Creator one lesson' });
    member = await t.control.createUser('embeddedpupil');
    await t.control.createMembership(member, 'prod_course2');
    await until(
      async () => {
        await t.drain();
        return (await t.runtime.deps.models.Student.count({ where: { whopUserId: member } })) > 0;
      },
      { what: 'the membership arriving', intervalMs: 50 },
    );
  });
  after(() => t?.close());

  describe('the member view', () => {
    it('shows a member the course in the embedded layout, framable only by Whop, with no cookie', async () => {
      const answer = await embedded(`/experiences/${EXPERIENCE}`, member);
      const html = await answer.text();
      expect(answer.status).to.equal(200);
      expect(html).to.contain(`href="/experiences/${EXPERIENCE}/videos/${lesson.id}"`);
      expect(html).to.contain('/static/css/embedded.css');
      expect(html).not.to.contain('Sign out');
      expect(html).not.to.contain('href="/dashboard"');
      expect(answer.headers.get('set-cookie')).to.equal(null);
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      const csp = answer.headers.get('content-security-policy')!;
      expect(csp).to.contain(`frame-ancestors ${t.config.whopApp.frameAncestors.join(' ')}`);
      expect(csp).to.match(/script-src 'self' 'nonce-/);
      expect(answer.headers.get('x-frame-options')).to.equal(null);
    });

    it('keeps every other page unframeable', async () => {
      for (const path of ['/', '/pricing', `/courses/biz_creator2`]) {
        const answer = await fetch(url(path), { redirect: 'manual' });
        expect(answer.headers.get('content-security-policy'), path).to.contain("frame-ancestors 'none'");
        expect(answer.headers.get('x-frame-options'), path).to.equal('DENY');
      }
    });

    it('answers a request without a valid token 401 with a page that says to open Chronos from Whop', async () => {
      const forged = (await tokenFor(member)).replace(/\.[^.]+$/, '.AAAA');
      const cases: Record<string, string>[] = [{}, { 'x-whop-user-token': forged }, { 'x-whop-user-token': 'garbage' }];
      for (const headers of cases) {
        const answer = await fetch(url(`/experiences/${EXPERIENCE}`), { headers, redirect: 'manual' });
        expect(answer.status).to.equal(401);
        expect(answer.headers.get('location')).to.equal(null);
        expect(await answer.text()).to.contain('Open Chronos from Whop');
      }
    });

    it('tells a Whop user without access why, with a link to buy', async () => {
      const answer = await embedded(`/experiences/${EXPERIENCE}`, 'user_student1');
      const html = await answer.text();
      expect(answer.status).to.equal(403);
      expect(html).to.contain('no membership');
      expect(html).to.match(/id="purchase-link" href="http:\/\/[^"]+\/checkout\/plan_\w+"/);
      expect(html).not.to.contain('Embedded lesson');
    });

    it('refuses a member Whop admits but Chronos does not seat (over the tier limit) on the embedded page', async () => {
      const seat = (status: string) =>
        t.runtime.deps.sequelize.query('UPDATE students SET status = :status WHERE whop_user_id = :member', {
          replacements: { status, member },
        });
      await seat('over_limit');
      try {
        const answer = await embedded(`/experiences/${EXPERIENCE}`, member);
        const html = await answer.text();
        expect(answer.status).to.equal(403);
        expect(html).to.contain('/static/css/embedded.css');
        expect(html).to.contain('id="refusal-reason"');
        expect(html, 'no link into Chronos’s own pages inside the frame').not.to.contain('Your courses');
        expect(html).not.to.contain('Embedded lesson');
      } finally {
        await seat('active');
      }
    });

    it('answers an experience Whop does not know 404, and another company’s video 404', async () => {
      expect((await embedded('/experiences/exp_nothinghere', member)).status).to.equal(404);
      const player = await embedded(`/experiences/${EXPERIENCE}/videos/${otherCreatorsVideo.id}`, 'user_creator_pro');
      expect(player.status).to.equal(404);
    });

    it('plays the video on a signed media URL bound to the user and the video', async () => {
      const answer = await embedded(`/experiences/${EXPERIENCE}/videos/${lesson.id}`, member);
      const html = await answer.text();
      expect(answer.status).to.equal(200);
      const src = /<source src="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
      expect(src).to.match(
        new RegExp(`^/embedded/media/videos/${lesson.id}\\?viewer=${member}&creator=0&expires=\\d+&signature=`),
      );
      const bytes = await fetch(url(src), { headers: { range: 'bytes=0-9' } });
      expect(bytes.status).to.equal(206);
      expect(Buffer.from(await bytes.arrayBuffer()).length).to.equal(10);
      // The same signature for another user or another video is refused.
      expect((await fetch(url(src.replace(member, 'user_student1')))).status).to.equal(403);
      expect((await fetch(url(src.replace(`videos/${lesson.id}`, `videos/${otherCreatorsVideo.id}`)))).status).to.equal(
        403,
      );
      expect((await fetch(url(src.replace(/signature=[^&]+/, 'signature=x')))).status).to.equal(403);
    });

    it('records progress only with the CSRF token of this user and experience, shared with the external site', async () => {
      const page = await (await embedded(`/experiences/${EXPERIENCE}/videos/${lesson.id}`, member)).text();
      const csrf = csrfOf(page)!;
      expect(csrf).to.be.a('string');
      const path = `/experiences/${EXPERIENCE}/videos/${lesson.id}/progress`;
      const post = (userId: string | null, token: string | undefined) =>
        embedded(path, userId, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
          body: JSON.stringify({ position: 2, watched: 2 }),
        });
      expect((await post(member, undefined)).status).to.equal(403);
      expect((await post(member, 'wrong')).status).to.equal(403);
      // Another user's token with this user's CSRF token: refused too.
      expect((await post('user_creator_pro', csrf)).status).to.equal(403);
      expect((await post(null, csrf)).status).to.equal(401);
      expect(await progressRows(lesson.id)).to.equal('0');
      expect((await post(member, csrf)).status).to.equal(200);
      expect(await progressRows(lesson.id)).to.equal('1');
      // The same user signing in on Chronos's own site resumes where the embedded player stopped.
      const browser = await t.signIn(member);
      const external = await browser.get(url(`/courses/biz_creator2/videos/${lesson.id}`));
      expect(external.text).to.contain('data-resume-at="2"');
    });
  });

  describe('the team view', () => {
    it('shows an admin of the company their plan, videos and the uploader', async () => {
      const answer = await embedded('/dashboard/biz_creator2', 'user_creator_pro');
      const html = await answer.text();
      expect(answer.status).to.equal(200);
      expect(html).to.contain('Embedded lesson');
      expect(html).to.contain('id="uploader"');
      expect(answer.headers.get('content-security-policy')).to.contain(
        `frame-ancestors ${t.config.whopApp.frameAncestors.join(' ')}`,
      );
    });

    it('refuses a student 403', async () => {
      const answer = await embedded('/dashboard/biz_creator2', member);
      expect(answer.status).to.equal(403);
      expect(await answer.text()).to.contain('for the admins of this Whop company');
    });

    it('takes a tus upload with the user token and the company-bound CSRF header, and refuses it without', async () => {
      const html = await (await embedded('/dashboard/biz_creator2', 'user_creator_pro')).text();
      const csrf = csrfOf(html)!;
      const create = (token: string | undefined, userId = 'user_creator_pro') =>
        embedded('/api/uploads', userId, {
          method: 'POST',
          headers: {
            'tus-resumable': '1.0.0',
            'upload-length': '100',
            'upload-metadata': `filename ${Buffer.from('a.webm').toString('base64')},filetype ${Buffer.from('video/webm').toString('base64')}`,
            ...(token ? { 'x-csrf-token': token } : {}),
          },
        });
      const countVideos = () => t.runtime.deps.models.Video.count();
      const before = await countVideos();
      expect((await create(undefined)).status).to.equal(403);
      expect((await create('forged')).status).to.equal(403);
      expect((await create(csrf, member)).status).to.equal(403);
      expect(await countVideos()).to.equal(before);
      const created = await create(csrf);
      expect(created.status).to.equal(201);
      expect(created.headers.get('location')).to.match(/\/api\/uploads\/[\w-]+$/);
    });
  });

  describe('the team view’s uploads, finished or not', () => {
    it('lists only unfinished uploads for resuming, and answers a HEAD of a finished one as complete, with the user token', async () => {
      const team = async () => (await embedded('/dashboard/biz_creator2', 'user_creator_pro')).text();
      const unfinishedOf = (html: string) => /data-unfinished-uploads="([^"]*)"/.exec(html)?.[1];
      const csrf = csrfOf(await team())!;
      const tus = (path: string, method: string, headers: Record<string, string> = {}, body?: Uint8Array) =>
        embedded(path, 'user_creator_pro', {
          method,
          body,
          headers: { 'tus-resumable': '1.0.0', 'x-csrf-token': csrf, ...headers },
        });
      const created = await tus('/api/uploads', 'POST', {
        'upload-length': String(SAMPLE_WEBM.length),
        'upload-metadata': `filename ${Buffer.from('b.webm').toString('base64')}`,
      });
      expect(created.status).to.equal(201);
      const location = new URL(created.headers.get('location')!, t.appUrl).pathname;
      const id = location.split('/').pop()!;
      expect(unfinishedOf(await team())!.split(' '), 'unfinished: offered for resuming').to.include(id);

      const done = await tus(
        location,
        'PATCH',
        { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        SAMPLE_WEBM,
      );
      expect(done.status).to.equal(204);
      expect(unfinishedOf(await team())!.split(' '), 'finished: not offered').to.not.include(id);
      const head = await tus(location, 'HEAD');
      expect(head.status).to.equal(200);
      expect(head.headers.get('upload-offset')).to.equal(String(SAMPLE_WEBM.length));
      expect(head.headers.get('upload-length')).to.equal(String(SAMPLE_WEBM.length));
    });
  });

  describe('the sandbox’s Whop frame and app proxy', () => {
    it('frames the member view through the proxy, which adds the signed-in user’s token', async () => {
      const browser = new TestBrowser();
      const sandboxUrl = t.sandbox.url;
      const framePage = await browser.get(`${sandboxUrl}/sandbox/whop/biz_creator2/${EXPERIENCE}`);
      expect(framePage.status).to.equal(200);
      const token = /name="_csrf" value="([^"]+)"/.exec(framePage.text)![1]!;
      await browser.request(`${sandboxUrl}/sandbox/whop/sign-in`, {
        method: 'POST',
        form: { _csrf: token, user_id: member, return_to: `/sandbox/whop/biz_creator2/${EXPERIENCE}` },
        headers: { 'sec-fetch-site': 'same-origin' },
      });
      const signedIn = await browser.get(`${sandboxUrl}/sandbox/whop/biz_creator2/${EXPERIENCE}`);
      const frameSrc = /<iframe class="whop-frame" src="([^"]+)"/.exec(signedIn.text)![1]!;
      expect(frameSrc).to.equal(`${t.sandbox.appProxyUrl}/experiences/${EXPERIENCE}`);
      const framed = await browser.get(frameSrc);
      expect(framed.status).to.equal(200);
      expect(framed.text).to.contain('Embedded lesson');
      // Signed out of the sandbox's whop.com: the proxy sends no token.
      const stranger = await new TestBrowser().get(frameSrc);
      expect(stranger.status).to.equal(401);
    });
  });
});
