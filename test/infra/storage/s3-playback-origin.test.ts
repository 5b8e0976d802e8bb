/**
 * The S3 backend names the origin its presigned GETs point at, so the CSP's media-src lets the
 * browser follow the media route's redirect there: checked against the SDK's own presigned URLs
 * (signing needs no network) for AWS, path-style and virtual-host endpoints.
 */
import { expect } from 'chai';
import { createS3Storage, type S3StorageOptions } from '../../../src/infra/storage/s3-storage.ts';

const KEY = 'k'.repeat(24);
const base = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  uploadExpiryMs: 60_000,
};

async function presignedOrigin(options: S3StorageOptions): Promise<{ origin: string; declared: readonly string[] }> {
  const storage = createS3Storage(options);
  try {
    const playback = await storage.playback(KEY, { ttlSeconds: 300, contentType: 'video/webm' });
    if (playback.kind !== 'redirect') throw new Error('S3 playback is a redirect');
    return { origin: new URL(playback.url).origin, declared: storage.playbackOrigins ?? [] };
  } finally {
    await storage.close();
  }
}

describe('S3 playback origin (for the CSP media-src)', () => {
  for (const [label, options] of [
    ['AWS, virtual-hosted', { bucket: 'chronos-media', forcePathStyle: false }],
    ['AWS, a bucket name with dots', { bucket: 'media.chronos.example', forcePathStyle: false }],
    ['AWS, path style', { bucket: 'chronos-media', forcePathStyle: true }],
    ['MinIO, path style', { bucket: 'media', forcePathStyle: true, endpoint: 'http://127.0.0.1:9000' }],
    [
      'R2, virtual-hosted',
      { bucket: 'media', forcePathStyle: false, endpoint: 'https://acct.r2.cloudflarestorage.com' },
    ],
  ] as const) {
    it(`names the origin of the presigned URLs: ${label}`, async () => {
      const { origin, declared } = await presignedOrigin({ ...base, ...options });
      expect(declared).to.deep.equal([origin]);
    });
  }
});
