/**
 * The orphan sweeper against real PostgreSQL, on disk and on S3: objects no row references
 * go once older than the grace period, `ready` rows whose object is gone become `failed`
 * (and stop counting against the creator), and everything else is left alone.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createDiskStorage } from '../../../src/infra/storage/disk-storage.ts';
import type { MediaStorage } from '../../../src/infra/storage/media-storage.ts';
import { createS3Storage } from '../../../src/infra/storage/s3-storage.ts';
import { createStorageSweeper, MISSING_FILE_FAILURE } from '../../../src/services/videos/storage-sweeper.ts';
import { makeFactories } from '../../support/factories.ts';
import { startS3Server, type TestS3Server } from '../../support/s3-server.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { capturingLogger, startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { startTusEndpoint, tusUpload, type TusEndpoint } from '../../support/tus-upload.ts';

const HOUR = 3_600_000;
const BYTES = randomBytes(5000);

const backends: Record<string, () => Promise<{ storage: MediaStorage; close(): Promise<void> }>> = {
  disk: async () => {
    const storage = createDiskStorage({
      directory: mkdtempSync(join(tmpdir(), 'chronos-media-')),
      uploadExpiryMs: HOUR,
      maxReadBytes: 64 * 1024,
    });
    return { storage, close: () => storage.close() };
  },
  s3: async () => {
    const server: TestS3Server = await startS3Server();
    const storage = createS3Storage({
      bucket: server.bucket,
      region: server.region,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      uploadExpiryMs: HOUR,
    });
    return { storage, close: async () => (await storage.close(), await server.close()) };
  },
};

for (const [kind, start] of Object.entries(backends)) {
  describe(`storage sweeper: ${kind}`, () => {
    let t: TestApp;
    let sequelize: Sequelize;
    let storage: MediaStorage;
    let closeStorage: () => Promise<void>;
    let endpoint: TusEndpoint;
    let creatorId: number;

    before(async () => {
      t = await startTestApp();
      ({ sequelize } = t.runtime.deps);
    });
    after(() => t.close());

    beforeEach(async () => {
      await cleanTables(sequelize);
      ({ storage, close: closeStorage } = await start());
      endpoint = await startTusEndpoint(storage.uploads);
      creatorId = (await makeFactories(t.runtime.deps.models).creator()).id;
    });
    afterEach(async () => {
      await endpoint.close();
      await closeStorage();
    });

    async function video(
      status: 'uploading' | 'ready',
      key: string,
      column: 'upload_id' | 'storage_key' = 'upload_id',
    ) {
      const [row] = await sequelize.query<{ id: number }>(
        `INSERT INTO videos (creator_id, title, size_bytes, status, ${column})
         VALUES ($1, 'Lesson', $2, $3, $4) RETURNING id`,
        { bind: [creatorId, BYTES.length, status, key], type: QueryTypes.SELECT },
      );
      return row!.id;
    }

    async function videoRow(id: number) {
      const [row] = await sequelize.query<{ status: string; failure: string | null }>(
        'SELECT status, failure FROM videos WHERE id = $1',
        { bind: [id], type: QueryTypes.SELECT },
      );
      return row;
    }

    async function creatorUsage() {
      const [row] = await sequelize.query<{ video_count: number; storage_bytes: string }>(
        'SELECT video_count, storage_bytes FROM creators WHERE id = $1',
        { bind: [creatorId], type: QueryTypes.SELECT },
      );
      return { videos: row!.video_count, bytes: Number(row!.storage_bytes) };
    }

    function sweeperAt(now: number) {
      const { logger, lines } = capturingLogger();
      return { sweeper: createStorageSweeper({ sequelize, storage, logger, now: () => now }), lines };
    }

    it('removes unreferenced objects older than the grace, finished or not, and keeps referenced ones', async () => {
      const orphan = await tusUpload(endpoint, BYTES, { chunkSize: 2000 });
      const partialOrphan = await tusUpload(endpoint, BYTES, { chunkSize: 2000, stopAfterChunks: 1 });
      const uploading = await tusUpload(endpoint, BYTES, { chunkSize: 2000, stopAfterChunks: 1 });
      const ready = await tusUpload(endpoint, BYTES, { chunkSize: 2000 });
      await video('uploading', uploading);
      await video('ready', ready, 'storage_key');

      const { sweeper, lines } = sweeperAt(Date.now() + 2 * HOUR);
      const report = await sweeper.sweep({ olderThanMs: HOUR });

      expect([...report.removedObjects].sort()).to.deep.equal([orphan, partialOrphan].sort());
      expect(report.missingObjects).to.deep.equal([]);
      expect(await storage.size(orphan)).to.equal(null);
      const left: string[] = [];
      for await (const object of storage.list()) left.push(object.key);
      expect(left.sort()).to.deep.equal([uploading, ready].sort());
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged.find((l) => l.msg === 'storage sweep finished')).to.deep.include({
        removedObjects: report.removedObjects,
        missingObjects: [],
      });
    });

    it("spares a creator's logo, which no video names, and removes a logo no creator names any more", async () => {
      const logo = 'logo_kept_0123456789';
      const dropped = 'logo_dropped_0123456789';
      await storage.put(logo, BYTES.subarray(0, 100), 'image/png');
      await storage.put(dropped, BYTES.subarray(0, 100), 'image/png');
      await sequelize.query(
        `INSERT INTO creator_branding (creator_id, logo_key, logo_content_type, logo_bytes) VALUES ($1, $2, 'image/png', 100)`,
        { bind: [creatorId, logo] },
      );
      const report = await sweeperAt(Date.now() + 2 * HOUR).sweeper.sweep({ olderThanMs: HOUR });
      expect(report.removedObjects).to.deep.equal([dropped]);
      expect(await storage.size(logo)).to.equal(100);
    });

    it('spares an unreferenced object younger than the grace (its row may still be on its way)', async () => {
      const young = await tusUpload(endpoint, BYTES, { chunkSize: 2000 });
      const report = await sweeperAt(Date.now() + HOUR / 2).sweeper.sweep({ olderThanMs: HOUR });
      expect(report.removedObjects).to.deep.equal([]);
      expect(await storage.size(young)).to.equal(BYTES.length);
    });

    it('marks a ready video whose object is gone as failed, which releases its usage', async () => {
      const present = await tusUpload(endpoint, BYTES, { chunkSize: 5000 });
      const presentId = await video('ready', present);
      const goneId = await video('ready', 'GoneObjectKey000001', 'storage_key');
      const uploadingId = await video('uploading', 'NotYetUploaded00001');
      expect(await creatorUsage()).to.deep.equal({ videos: 3, bytes: 3 * BYTES.length });

      const report = await sweeperAt(Date.now()).sweeper.sweep({ olderThanMs: HOUR });

      expect(report).to.deep.equal({ removedObjects: [], missingObjects: [goneId] });
      expect(await videoRow(goneId)).to.deep.equal({ status: 'failed', failure: MISSING_FILE_FAILURE });
      expect((await videoRow(presentId))?.status).to.equal('ready');
      expect((await videoRow(uploadingId))?.status).to.equal('uploading');
      expect(await creatorUsage()).to.deep.equal({ videos: 2, bytes: 2 * BYTES.length });
      expect((await sweeperAt(Date.now()).sweeper.sweep({ olderThanMs: HOUR })).missingObjects).to.deep.equal([]);
    });

    it('marks nothing when the storage is empty beside ready videos (a wrong setting, not lost files), and says so', async () => {
      const id = await video('ready', 'ElsewhereObject0001', 'storage_key');
      const { sweeper, lines } = sweeperAt(Date.now());
      expect((await sweeper.sweep({ olderThanMs: HOUR })).missingObjects).to.deep.equal([]);
      expect((await videoRow(id))?.status).to.equal('ready');
      expect(lines.join('')).to.include('check the storage settings');
    });

    it('refuses a negative grace and changes nothing', async () => {
      const orphan = await tusUpload(endpoint, BYTES, { chunkSize: 5000 });
      const error = await sweeperAt(Date.now() + 2 * HOUR)
        .sweeper.sweep({ olderThanMs: -1 })
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RangeError);
      expect(await storage.size(orphan)).to.equal(BYTES.length);
    });
  });
}
