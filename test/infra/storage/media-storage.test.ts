/**
 * One contract, both backends: what the rest of Chronos may rely on from `MediaStorage`,
 * proved on local disk and on S3 (the in-process S3-protocol server), with uploads sent the
 * way the uploader sends them (tus-js-client in chunks to a real @tus/server).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDiskStorage } from '../../../src/infra/storage/disk-storage.ts';
import { InvalidStorageKeyError, type MediaStorage } from '../../../src/infra/storage/media-storage.ts';
import { createS3Storage } from '../../../src/infra/storage/s3-storage.ts';
import { startS3Server, type TestS3Server } from '../../support/s3-server.ts';
import { testClock } from '../../support/test-clock.ts';
import { startTusEndpoint, tusUpload, type TusEndpoint } from '../../support/tus-upload.ts';

const HOUR = 3_600_000;
const BYTES = randomBytes(150_000);
const CHUNK = 40_000;

interface Backend {
  storage: MediaStorage;
  /** What the backend keeps in its own terms (file names, object keys), to prove nothing is left. */
  leftovers(): string[];
  close(): Promise<void>;
}

const backends: Record<string, () => Promise<Backend>> = {
  disk: async () => {
    const directory = mkdtempSync(join(tmpdir(), 'chronos-media-'));
    const storage = createDiskStorage({ directory, uploadExpiryMs: HOUR, maxReadBytes: 64 * 1024 });
    const { readdirSync } = await import('node:fs');
    return { storage, leftovers: () => readdirSync(directory), close: () => storage.close() };
  },
  s3: async () => {
    const server: TestS3Server = await startS3Server({ pageSize: 2 });
    const storage = createS3Storage({
      bucket: server.bucket,
      region: server.region,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      uploadExpiryMs: HOUR,
    });
    return {
      storage,
      leftovers: () => [...server.objectKeys(), ...server.openUploads().map((k) => `multipart:${k}`)],
      close: async () => {
        await storage.close();
        await server.close();
      },
    };
  },
};

async function listed(storage: MediaStorage): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list()) {
    expect(object.modifiedAt).to.be.instanceOf(Date);
    keys.push(object.key);
  }
  return keys;
}

for (const [kind, start] of Object.entries(backends)) {
  describe(`media storage contract: ${kind}`, () => {
    let backend: Backend;
    let endpoint: TusEndpoint;

    beforeEach(async () => {
      backend = await start();
      endpoint = await startTusEndpoint(backend.storage.uploads);
    });

    afterEach(async () => {
      await endpoint.close();
      await backend.close();
    });

    it('stores a chunked tus upload: size, ranged reads (short at the end) and one listing per key', async () => {
      const { storage } = backend;
      const key = await tusUpload(endpoint, BYTES, { chunkSize: CHUNK });
      expect(storage.kind).to.equal(kind);
      expect(await storage.size(key)).to.equal(BYTES.length);
      expect((await storage.read(key, 0, 16)).equals(BYTES.subarray(0, 16))).to.equal(true);
      expect((await storage.read(key, 39_990, 20)).equals(BYTES.subarray(39_990, 40_010))).to.equal(true);
      const tail = await storage.read(key, BYTES.length - 10, 64);
      expect(tail.equals(BYTES.subarray(BYTES.length - 10))).to.equal(true);
      expect(await storage.read(key, BYTES.length, 8)).to.have.length(0);
      expect(await listed(storage)).to.deep.equal([key]);
    });

    it('lists each of several uploads once, across pages of the listing', async () => {
      const keys = [
        await tusUpload(endpoint, BYTES.subarray(0, 1000), { chunkSize: 400 }),
        await tusUpload(endpoint, BYTES.subarray(0, 2000), { chunkSize: 700 }),
        await tusUpload(endpoint, BYTES.subarray(0, 3000), { chunkSize: 1000, stopAfterChunks: 1 }),
      ];
      expect((await listed(backend.storage)).sort()).to.deep.equal([...keys].sort());
    });

    it('removes an upload and all it kept beside it; removing again is fine', async () => {
      const { storage } = backend;
      const key = await tusUpload(endpoint, BYTES, { chunkSize: CHUNK });
      await storage.remove(key);
      expect(await storage.size(key)).to.equal(null);
      expect(await listed(storage)).to.deep.equal([]);
      expect(backend.leftovers()).to.deep.equal([]);
      await storage.remove(key);
      await storage.remove('NeverUploadedKey0001');
    });

    it('lists an unfinished upload (its pieces once) and removes it whole', async () => {
      const { storage } = backend;
      const key = await tusUpload(endpoint, BYTES, { chunkSize: CHUNK, stopAfterChunks: 2 });
      expect(backend.leftovers().length, 'the upload left pieces behind').to.be.greaterThan(1);
      expect(await listed(storage)).to.deep.equal([key]);
      await storage.remove(key);
      expect(await listed(storage)).to.deep.equal([]);
      expect(backend.leftovers()).to.deep.equal([]);
    });

    it('refuses an invalid key before touching anything', async () => {
      const { storage } = backend;
      const key = await tusUpload(endpoint, BYTES.subarray(0, 100), { chunkSize: 100 });
      const before = backend.leftovers();
      for (const bad of ['../etc/passwd', 'short', `${key}/../x`, `${key}.info`, '']) {
        const calls: Array<() => Promise<unknown>> = [
          () => storage.read(bad, 0, 1),
          () => storage.size(bad),
          () => storage.remove(bad),
          () => storage.put(bad, Buffer.from('x'), 'image/png'),
          () => storage.playback(bad, { ttlSeconds: 60, contentType: 'video/mp4' }),
        ];
        for (const call of calls) {
          const error = await call().then(
            () => null,
            (e: unknown) => e,
          );
          expect(error, bad).to.be.instanceOf(InvalidStorageKeyError);
        }
      }
      expect(backend.leftovers()).to.deep.equal(before);
    });

    it('stores a small object whole (a logo), replaces it in place, lists and removes it', async () => {
      const { storage } = backend;
      const key = 'logo_0123456789abcdef';
      await storage.put(key, BYTES.subarray(0, 5000), 'image/png');
      expect(await storage.size(key)).to.equal(5000);
      expect((await storage.read(key, 0, 5000)).equals(BYTES.subarray(0, 5000))).to.equal(true);
      await storage.put(key, BYTES.subarray(100, 300), 'image/png');
      expect((await storage.read(key, 0, 5000)).equals(BYTES.subarray(100, 300))).to.equal(true);
      expect(await listed(storage)).to.deep.equal([key]);
      expect(backend.leftovers()).to.deep.equal([key]);
      await storage.remove(key);
      expect(await storage.size(key)).to.equal(null);
      expect(backend.leftovers()).to.deep.equal([]);
    });

    it('gives a player the bytes', async () => {
      const { storage } = backend;
      const key = await tusUpload(endpoint, BYTES, { chunkSize: CHUNK });
      const playback = await storage.playback(key, { ttlSeconds: 3600, contentType: 'video/mp4' });
      if (playback.kind === 'file') {
        expect(kind).to.equal('disk');
        expect(readFileSync(playback.path).equals(BYTES)).to.equal(true);
        expect(playback.maxReadBytes).to.equal(64 * 1024);
        return;
      }
      expect(kind).to.equal('s3');
      const url = new URL(playback.url);
      expect(Number(url.searchParams.get('X-Amz-Expires'))).to.be.at.most(300);
      const response = await fetch(playback.url);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('video/mp4');
      expect(Buffer.from(await response.arrayBuffer()).equals(BYTES)).to.equal(true);
    });
  });
}

describe('media storage: S3 playback links', () => {
  let server: TestS3Server;
  const clock = testClock(Date.now());

  before(async () => {
    server = await startS3Server({ now: clock.now });
  });

  after(() => server.close());

  function storageAt(now: () => number): MediaStorage {
    return createS3Storage({
      bucket: server.bucket,
      region: server.region,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      uploadExpiryMs: HOUR,
      now,
    });
  }

  it('expire after min(ttl, 300 s) and stop working then', async () => {
    const storage = storageAt(clock.now);
    const endpoint = await startTusEndpoint(storage.uploads);
    try {
      const key = await tusUpload(endpoint, BYTES.subarray(0, 5000), { chunkSize: 2000 });
      const signedAt = clock.now();
      const long = await storage.playback(key, { ttlSeconds: 3600, contentType: 'video/webm' });
      const short = await storage.playback(key, { ttlSeconds: 60, contentType: 'video/webm' });
      if (long.kind !== 'redirect' || short.kind !== 'redirect') expect.fail('S3 redirects');
      expect(new URL(long.url).searchParams.get('X-Amz-Expires')).to.equal('300');
      expect(long.expiresAt.getTime()).to.equal(signedAt + 300_000);
      expect(new URL(short.url).searchParams.get('X-Amz-Expires')).to.equal('60');
      expect(short.expiresAt.getTime()).to.equal(signedAt + 60_000);
      clock.advance(61_000);
      expect((await fetch(short.url)).status).to.equal(403);
      expect((await fetch(long.url)).status).to.equal(200);
      clock.advance(240_000);
      expect((await fetch(long.url)).status).to.equal(403);
      const error = await storage.playback(key, { ttlSeconds: 0, contentType: 'video/webm' }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RangeError);
    } finally {
      await endpoint.close();
      await storage.close();
    }
  });
});

describe('media storage: S3 signatures', () => {
  let server: TestS3Server;

  before(async () => {
    server = await startS3Server();
  });
  after(() => server.close());

  const storageWith = (secretAccessKey: string, region = server.region) =>
    createS3Storage({
      bucket: server.bucket,
      region,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey },
      uploadExpiryMs: HOUR,
    });

  it('is refused by the server when it signs with the wrong secret or for the wrong region', async () => {
    for (const storage of [storageWith('not-the-secret'), storageWith(server.secretAccessKey, 'eu-west-3')]) {
      const error = await storage.read('AnObjectKey0000001', 0, 10).catch((e: unknown) => e);
      expect((error as Error).name).to.equal('SignatureDoesNotMatch');
      await storage.close();
    }
  });

  it('makes presigned links that fail once edited (another key, a longer life)', async () => {
    const storage = storageWith(server.secretAccessKey);
    const endpoint = await startTusEndpoint(storage.uploads);
    try {
      const key = await tusUpload(endpoint, BYTES.subarray(0, 3000), { chunkSize: 3000 });
      const link = await storage.playback(key, { ttlSeconds: 60, contentType: 'video/mp4' });
      if (link.kind !== 'redirect') expect.fail('S3 redirects');
      expect((await fetch(link.url)).status).to.equal(200);
      const longer = new URL(link.url);
      longer.searchParams.set('X-Amz-Expires', '300');
      expect((await fetch(longer)).status).to.equal(403);
      const other = new URL(link.url.replace(key, 'SomeoneElsesKey0001'));
      expect((await fetch(other)).status).to.equal(403);
    } finally {
      await endpoint.close();
      await storage.close();
    }
  });
});
