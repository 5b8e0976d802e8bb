/**
 * Watch progress over HTTP, as the player sends it: saved with the CSRF token (header, or the
 * `_csrf` field of a beacon), resumed by the player page and offered on the student dashboard
 * as "continue watching"; bad input is a 400 that changes nothing; watch time is bounded by
 * Chronos's clock (moved here, never waited for); 90 % watched completes a video; the creator's
 * analytics (Basic and up) show watch time and completions per video.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { onboard } from '../support/onboarding.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { TestBrowser, type BrowserResponse } from '../support/test-browser.ts';
import { playableVideo } from '../support/media-fixtures.ts';
import { movableClock } from '../support/test-clock.ts';
import { csrfOf } from '../security/support/security-fixture.ts';
import type { Video } from '../../src/models/video-model.ts';

interface Row {
  position_seconds: number;
  watched_seconds: number;
  completed_at: Date | null;
}

describe('watch progress', function () {
  this.timeout(60_000);
  const clock = movableClock();
  let t: ChronosWithSandbox;
  let creator: TestBrowser;
  let student: TestBrowser;
  let csrf: string;
  let creatorCsrf: string;
  let lesson: Video;
  let longLesson: Video;

  const url = (path: string) => `${t.appUrl}${path}`;
  const progressOf = async (video: Video): Promise<Row | undefined> =>
    (
      await t.runtime.deps.sequelize.query<Row>(
        `SELECT w.position_seconds, w.watched_seconds, w.completed_at FROM watch_progress w
           JOIN users u ON u.id = w.user_id WHERE u.whop_user_id = 'user_student1' AND w.video_id = :id`,
        { replacements: { id: video.id }, type: QueryTypes.SELECT },
      )
    )[0];
  const save = (video: Video, body: Record<string, unknown>, token: string | null = csrf, who = student) =>
    who.request(url(`/api/videos/${video.id}/progress`), {
      method: 'POST',
      json: body,
      headers: token === null ? {} : { 'x-csrf-token': token },
    });
  const json = (response: BrowserResponse) => JSON.parse(response.text) as Record<string, unknown>;

  before(async () => {
    t = await startChronosWithSandbox({ services: { now: clock.now } });
    // The run's database is shared by the tests of this worker: start from empty tables.
    await cleanTables(t.runtime.deps.sequelize);
    creator = await t.signIn('user_creator_free');
    await onboard(t, creator, 'biz_creator1');
    const { Creator } = t.runtime.deps.models;
    const creator1 = (await Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } }))!;
    const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
    lesson = await playableVideo(deps, creator1.id, { title: 'Short lesson', position: 1, durationSeconds: 100 });
    longLesson = await playableVideo(deps, creator1.id, { title: 'Long lesson', position: 2, durationSeconds: 600 });
    student = await t.signIn('user_student1');
    csrf = await csrfOf(t, student);
    creatorCsrf = await csrfOf(t, creator);
  });
  after(() => t?.close());

  it('refuses a save without the CSRF token (403) and stores nothing', async () => {
    const response = await save(lesson, { position: 10, watched: 0 }, null);
    expect(response.status).to.equal(403);
    expect(await progressOf(lesson)).to.equal(undefined);
    const forged = await save(lesson, { position: 10, watched: 0 }, 'forged-token');
    expect(forged.status).to.equal(403);
    expect(await progressOf(lesson)).to.equal(undefined);
  });

  it('answers a signed-out save 401 and the creator’s preview 403', async () => {
    expect((await save(lesson, { position: 1 }, null, new TestBrowser())).status).to.equal(401);
    const preview = await save(lesson, { position: 1 }, creatorCsrf, creator);
    expect(preview.status).to.equal(403);
    expect(json(preview).message).to.equal('Your own previews are not recorded.');
  });

  it('saves the position; the first save starts the clock and credits no watch time', async () => {
    const response = await save(lesson, { position: 12.5, watched: 30 });
    expect(response.status).to.equal(200);
    expect(json(response)).to.deep.equal({ positionSeconds: 12.5, watchedSeconds: 0, completed: false });
  });

  it('credits at most the wall-clock time since the last save, whatever the player claims', async () => {
    clock.advance(5_000);
    const inflated = await save(lesson, { position: 17.5, watched: 500 });
    // The clock runs with real time too (the sandbox and sessions keep real time): a few ms more.
    expect(json(inflated).positionSeconds).to.equal(17.5);
    expect(Number(json(inflated).watchedSeconds)).to.be.within(5, 5.5);
    const again = await save(lesson, { position: 17.5, watched: 500 });
    expect(Number(json(again).watchedSeconds)).to.be.lessThan(5.5);
    clock.advance(10_000);
    const honest = await save(lesson, { position: 25, watched: 4 });
    expect(Number(json(honest).watchedSeconds)).to.be.within(9, 9.5);
  });

  for (const [label, body, message] of [
    ['a negative position', { position: -1, watched: 0 }, 'position must not be negative'],
    ['a position past the end', { position: 100.5, watched: 0 }, 'position must be at most 100 seconds'],
    ['a position that is no number', { position: 'soon', watched: 0 }, 'position must be a number of seconds'],
    ['a missing position', { watched: 1 }, 'position must be a number of seconds'],
    ['an infinite watch time', { position: 1, watched: '1e999' }, 'watched must be a number of seconds'],
    ['a negative watch time', { position: 1, watched: -3 }, 'watched must not be negative'],
  ] as const) {
    it(`refuses ${label} with a clear 400 and changes nothing`, async () => {
      const before = await progressOf(lesson);
      clock.advance(3_000);
      const response = await save(lesson, body);
      expect(response.status).to.equal(400);
      expect(json(response)).to.include({ error: 'invalid_request', message });
      expect(await progressOf(lesson)).to.deep.equal(before);
    });
  }

  it('accepts the beacon’s form body with the token in _csrf', async () => {
    clock.advance(1_000);
    const response = await student.post(url(`/api/videos/${lesson.id}/progress`), {
      _csrf: csrf,
      position: '40',
      watched: '1',
    });
    expect(response.status).to.equal(200);
    expect((await progressOf(lesson))!.position_seconds).to.equal(40);
    const forged = await student.post(url(`/api/videos/${lesson.id}/progress`), { position: '41', watched: '0' });
    expect(forged.status).to.equal(403);
    expect((await progressOf(lesson))!.position_seconds).to.equal(40);
  });

  it('resumes the player where the student stopped, and lists the video under “continue watching”', async () => {
    const player = await student.get(url(`/courses/biz_creator1/videos/${lesson.id}`));
    expect(player.text).to.contain('data-resume-at="40"');
    const dashboard = await student.get(url('/dashboard'));
    expect(dashboard.text).to.contain('Continue watching');
    expect(dashboard.text).to.contain(`href="/courses/biz_creator1/videos/${lesson.id}">Short lesson</a>`);
    expect(dashboard.text).to.contain('stopped at 0:40 of 1:40');
    expect(dashboard.text).to.contain('href="/courses/biz_creator1">Open the course');
  });

  it('completes a video when the watch time reaches 90 % of its length, not when the position does', async () => {
    // Seeking to the end is not watching it.
    const seek = await save(longLesson, { position: 599, watched: 0 });
    expect(json(seek).completed).to.equal(false);
    clock.advance(530_000);
    const almost = await save(longLesson, { position: 599, watched: 530 });
    expect(json(almost)).to.include({ completed: false });
    clock.advance(10_000);
    const done = await save(longLesson, { position: 300, watched: 10 });
    expect(json(done)).to.include({ completed: true });
    expect(Number(json(done).watchedSeconds)).to.be.at.least(540);
    const row = (await progressOf(longLesson))!;
    expect(row.completed_at).to.be.an.instanceOf(Date);
    const dashboard = await student.get(url('/dashboard'));
    expect(dashboard.text, 'a completed video is not “continue watching”').not.to.contain('Long lesson');
  });

  it('shows a Basic creator watch time and completions per video on the analytics page', async () => {
    await t.runtime.deps.sequelize.query(
      "UPDATE creators SET tier = 'basic', tier_updated_at = now() WHERE whop_company_id = 'biz_creator1'",
    );
    const page = await creator.get(url('/analytics'));
    expect(page.status).to.equal(200);
    const table = page.text.slice(page.text.indexOf('id="watching-per-video"'));
    const short = new RegExp(
      `data-video-id="${lesson.id}"><th scope="row">Short lesson</th><td [^>]*class="admin-num"[^>]*>1</td><td [^>]*class="admin-num"[^>]*>0:(\\d\\d)</td><td [^>]*class="admin-num"[^>]*>0</td><td [^>]*class="admin-num"[^>]*>0 %</td>`,
    ).exec(table);
    expect(short, 'the short lesson’s row').to.not.equal(null);
    expect(Number(short![1])).to.be.within(10, 11);
    expect(table).to.match(
      new RegExp(
        `data-video-id="${longLesson.id}"><th scope="row">Long lesson</th><td [^>]*class="admin-num"[^>]*>1</td><td [^>]*class="admin-num"[^>]*>9:0\\d</td><td [^>]*class="admin-num"[^>]*>1</td><td [^>]*class="admin-num"[^>]*>100 %</td>`,
      ),
    );
  });
});
