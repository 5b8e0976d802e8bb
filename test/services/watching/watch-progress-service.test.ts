/**
 * Watch progress at database level, on a clock that stands still until moved: the position is
 * checked (finite, 0..length) and a refusal stores nothing; watch time grows by at most the
 * clock's time since the last save, whatever is claimed, also for concurrent saves; a video is
 * completed once, at 90 % of its length in watch time; resuming and "continue watching" read it.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { makeFactories } from '../../support/factories.ts';
import { testClock } from '../../support/test-clock.ts';
import { ValidationError } from '../../../src/domain/app-errors.ts';
import {
  createWatchProgressService,
  type WatchProgressService,
} from '../../../src/services/watching/watch-progress-service.ts';

const T0 = Date.parse('2026-12-06T12:00:00Z');

describe('watch progress service (database level)', () => {
  let t: TestApp;
  let progress: WatchProgressService;
  const clock = testClock(T0);
  let userId: number;
  let video: { id: number; durationSeconds: number };

  before(async () => {
    t = await startTestApp();
    progress = createWatchProgressService({ sequelize: t.runtime.deps.sequelize, now: clock.now });
  });
  after(() => t.close());
  beforeEach(async () => {
    clock.set(T0);
    await cleanTables(t.runtime.deps.sequelize);
    const factories = makeFactories(t.runtime.deps.models);
    const creator = await factories.creator();
    const user = await factories.user({ whopUserId: 'user_viewer' });
    userId = user.id;
    await t.runtime.deps.models.Student.create({
      creatorId: creator.id,
      whopUserId: 'user_viewer',
      whopMembershipId: 'mem_viewer',
      whopProductId: 'prod_x',
      status: 'active',
      membershipStatus: 'active',
      membershipUpdatedAt: new Date(T0),
    });
    const row = await t.runtime.deps.models.Video.create({
      creatorId: creator.id,
      title: 'Lesson',
      sizeBytes: 1000,
      durationSeconds: 100,
      status: 'ready',
      storageKey: 'k'.repeat(16),
      mimeType: 'video/webm',
    });
    video = { id: row.id, durationSeconds: 100 };
  });

  const save = (position: unknown, watched: unknown = 0) => progress.save({ userId, video, position, watched });
  const stored = async () =>
    (
      await t.runtime.deps.sequelize.query<Record<string, unknown>>(
        'SELECT position_seconds, watched_seconds, completed_at, last_saved_at FROM watch_progress',
        { type: QueryTypes.SELECT },
      )
    )[0];

  async function refused(position: unknown, watched: unknown, message: string): Promise<void> {
    const error = await save(position, watched).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, `${String(position)}/${String(watched)}`).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).message).to.equal(message);
  }

  it('refuses positions and claims that are not finite, negative or past the end, storing nothing', async () => {
    await refused(-0.001, 0, 'position must not be negative');
    await refused(100.001, 0, 'position must be at most 100 seconds');
    await refused(Number.NaN, 0, 'position must be a number of seconds');
    await refused(Number.POSITIVE_INFINITY, 0, 'position must be a number of seconds');
    await refused('12abc', 0, 'position must be a number of seconds');
    await refused(undefined, 0, 'position must be a number of seconds');
    await refused(true, 0, 'position must be a number of seconds');
    await refused(5, -1, 'watched must not be negative');
    await refused(5, 'NaN', 'watched must be a number of seconds');
    await refused(5, 3601, 'watched must be at most 3600 seconds');
    expect(await stored()).to.equal(undefined);
    await save(20, 0);
    clock.advance(10_000);
    await refused(101, 10, 'position must be at most 100 seconds');
    expect(await stored()).to.include({ position_seconds: 20, watched_seconds: 0 });
  });

  it('accepts the very start and the very end, as numbers or decimal strings', async () => {
    expect((await save(0)).positionSeconds).to.equal(0);
    expect((await save('100')).positionSeconds).to.equal(100);
    expect((await save('12.25', '0')).positionSeconds).to.equal(12.25);
  });

  it('credits no more watch time than the clock moved since the last save', async () => {
    expect((await save(0, 999)).watchedSeconds, 'the first save starts the clock').to.equal(0);
    clock.advance(5_000);
    expect((await save(5, 3600)).watchedSeconds).to.equal(5);
    expect((await save(5, 3600)).watchedSeconds, 'no time passed').to.equal(5);
    clock.advance(60_000);
    expect((await save(8, 3)).watchedSeconds, 'an honest claim below the elapsed time').to.equal(8);
    clock.advance(-30_000);
    expect((await save(8, 10)).watchedSeconds, 'a clock that went back credits nothing').to.equal(8);
  });

  it('shares one budget between concurrent saves (two tabs cannot double the time)', async () => {
    await save(0);
    clock.advance(10_000);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => save(i, 10)));
    expect(Math.max(...results.map((r) => r.watchedSeconds))).to.equal(10);
    expect((await stored())!.watched_seconds).to.equal(10);
  });

  it('completes the video once, when the watch time reaches 90 % of its length', async () => {
    await save(0);
    const seek = await save(100, 0);
    expect(seek.completed, 'the position alone never completes').to.equal(false);
    clock.advance(89_000);
    expect((await save(89, 89)).completed).to.equal(false);
    clock.advance(1_000);
    expect((await save(90, 1)).completed).to.equal(true);
    const completedAt = (await stored())!.completed_at as Date;
    expect(completedAt.getTime()).to.equal(T0 + 90_000);
    clock.advance(5_000);
    await save(10, 5);
    expect(((await stored())!.completed_at as Date).getTime(), 'set once').to.equal(T0 + 90_000);
  });

  it('resumes at the saved position, from the start once it is near the end', async () => {
    expect(await progress.resumeAt(userId, video)).to.equal(0);
    await save(42.5);
    expect(await progress.resumeAt(userId, video)).to.equal(42.5);
    await save(96);
    expect(await progress.resumeAt(userId, video)).to.equal(0);
  });

  it('offers videos started and not completed of creators the viewer still has access to', async () => {
    const viewer = { id: userId, whopUserId: 'user_viewer' };
    expect(await progress.continueWatching(viewer)).to.deep.equal([]);
    await save(30);
    expect((await progress.continueWatching(viewer)).map((v) => [v.videoId, v.positionSeconds])).to.deep.equal([
      [video.id, 30],
    ]);
    await t.runtime.deps.models.Student.update({ status: 'inactive' }, { where: { whopUserId: 'user_viewer' } });
    expect(await progress.continueWatching(viewer), 'no access, nothing to continue').to.deep.equal([]);
  });
});
