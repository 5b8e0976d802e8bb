/**
 * The video library's rules at database level: everything is scoped to the creator, a move
 * renumbers the creator's videos in one transaction, and a deletion frees the counters at once
 * even when the stored object cannot be removed (logged for the sweeper).
 */
import { expect } from 'chai';
import { startTestApp, capturingLogger, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { makeFactories } from '../../support/factories.ts';
import { creatorCounters, insertVideo } from '../../support/videos.ts';
import { createVideoLibrary } from '../../../src/services/videos/video-library.ts';
import { NotFoundError } from '../../../src/domain/app-errors.ts';
import { until } from '../../support/wait.ts';
import { QueryTypes } from 'sequelize';

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('video library service (database level)', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  function library(remove: (key: string) => Promise<void> = async () => {}) {
    const { logger, lines } = capturingLogger();
    const removed: string[] = [];
    const service = createVideoLibrary({
      sequelize: t.runtime.deps.sequelize,
      logger,
      mediaStorage: {
        remove: async (key) => {
          removed.push(key);
          await remove(key);
        },
      },
    });
    return { service, lines, removed };
  }

  it('lists by position, then id', async () => {
    const creator = await makeFactories(t.runtime.deps.models).creator();
    const sequelize = t.runtime.deps.sequelize;
    await insertVideo(sequelize, creator.id, { title: 'third', position: 5 });
    await insertVideo(sequelize, creator.id, { title: 'first', position: 1 });
    await insertVideo(sequelize, creator.id, { title: 'second', position: 1 });
    const { service } = library();
    expect((await service.list(creator.id)).map((v) => v.title)).to.deep.equal(['first', 'second', 'third']);
  });

  it('moves by renumbering the creator’s videos, and never touches another creator’s', async () => {
    const factories = makeFactories(t.runtime.deps.models);
    const [mine, theirs] = [await factories.creator(), await factories.creator()];
    const sequelize = t.runtime.deps.sequelize;
    const a = await insertVideo(sequelize, mine.id, { title: 'a', position: 7 });
    const b = await insertVideo(sequelize, mine.id, { title: 'b', position: 7 });
    const other = await insertVideo(sequelize, theirs.id, { title: 'other', position: 7 });
    const { service } = library();
    expect(await service.move(mine.id, b, 'up')).to.equal('moved');
    expect((await service.list(mine.id)).map((v) => v.id)).to.deep.equal([b, a]);
    expect(await service.move(mine.id, b, 'up')).to.equal('edge');
    expect(await service.move(mine.id, a, 'down')).to.equal('edge');
    expect(await rejection(service.move(mine.id, other, 'up'))).to.be.instanceOf(NotFoundError);
    expect((await t.runtime.deps.models.Video.findByPk(other))?.position).to.equal(7);
  });

  it('reads the order under the rows’ locks: a move waits for a concurrent reorder and applies to its result', async () => {
    const creator = await makeFactories(t.runtime.deps.models).creator();
    const sequelize = t.runtime.deps.sequelize;
    const ids: number[] = [];
    for (let i = 0; i < 4; i += 1) ids.push(await insertVideo(sequelize, creator.id, { position: i + 1 }));
    const { service } = library();
    // Another request is reordering: it holds the creator's rows and will swap the last two.
    const other = await sequelize.transaction();
    await sequelize.query('SELECT id FROM videos WHERE creator_id = :id FOR UPDATE', {
      replacements: { id: creator.id },
      transaction: other,
    });
    const moving = service.move(creator.id, ids[3]!, 'up');
    // A failure below must not leave the other transaction holding the rows.
    const settled = moving.catch((error: unknown) => error);
    try {
      await until(
        async () => {
          const [row] = await sequelize.query<{ waiting: string }>(
            "SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%videos%'",
            { type: QueryTypes.SELECT },
          );
          return Number(row?.waiting) > 0;
        },
        { what: 'the move waiting for the rows' },
      );
      await sequelize.query('UPDATE videos SET position = 4 WHERE id = :id', {
        replacements: { id: ids[2] },
        transaction: other,
      });
      await sequelize.query('UPDATE videos SET position = 3 WHERE id = :id', {
        replacements: { id: ids[3] },
        transaction: other,
      });
      await other.commit();
    } finally {
      if (!(other as unknown as { finished?: string }).finished) await other.rollback();
      await settled;
    }
    // After that reorder the order is 0, 1, 3, 2; moving 3 up gives 0, 3, 1, 2 (a stale read would give 0, 1, 3, 2).
    expect(await moving).to.equal('moved');
    expect((await service.list(creator.id)).map((v) => v.id)).to.deep.equal([ids[0], ids[3], ids[1], ids[2]]);
  });

  it('deletes the row, freeing the counters, then removes the object under its storage key', async () => {
    const creator = await makeFactories(t.runtime.deps.models).creator();
    const sequelize = t.runtime.deps.sequelize;
    const id = await insertVideo(sequelize, creator.id, {
      title: 'gone',
      sizeBytes: 5000,
      storageKey: 'objectKey0000000001',
    });
    const { service, removed } = library();
    expect(await service.remove(creator.id, id)).to.deep.equal({ title: 'gone' });
    expect(removed).to.deep.equal(['objectKey0000000001']);
    expect(await creatorCounters(sequelize, creator.id)).to.deep.equal({ videoCount: 0, storageBytes: 0 });
  });

  it('keeps the row deleted when the object cannot be removed, and logs it for the sweeper', async () => {
    const creator = await makeFactories(t.runtime.deps.models).creator();
    const sequelize = t.runtime.deps.sequelize;
    const id = await insertVideo(sequelize, creator.id, { sizeBytes: 5000, storageKey: 'objectKey0000000002' });
    const { service, lines } = library(() => Promise.reject(new Error('S3 is down')));
    await service.remove(creator.id, id);
    expect(await t.runtime.deps.models.Video.findByPk(id)).to.equal(null);
    expect(await creatorCounters(sequelize, creator.id)).to.deep.equal({ videoCount: 0, storageBytes: 0 });
    const record = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((r) => r.videoId === id);
    expect(record?.msg).to.match(/sweeper will remove it/);
    expect(record?.level).to.equal(40);
  });

  it('refuses to delete or rename another creator’s video', async () => {
    const factories = makeFactories(t.runtime.deps.models);
    const [mine, theirs] = [await factories.creator(), await factories.creator()];
    const other = await insertVideo(t.runtime.deps.sequelize, theirs.id, { title: 'theirs' });
    const { service, removed } = library();
    expect(await rejection(service.remove(mine.id, other))).to.be.instanceOf(NotFoundError);
    expect(await rejection(service.rename(mine.id, other, 'mine'))).to.be.instanceOf(NotFoundError);
    expect(removed).to.deep.equal([]);
    expect((await t.runtime.deps.models.Video.findByPk(other))?.title).to.equal('theirs');
  });
});
