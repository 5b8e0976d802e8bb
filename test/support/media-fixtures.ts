/**
 * Playable videos for the watching tests: the bytes of a real clip written into the app's media
 * storage through its tus datastore (as an upload would), and a `ready` row pointing at them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Upload } from '@tus/utils';
import type { MediaStorage } from '../../src/infra/storage/media-storage.ts';
import type { Models } from '../../src/models/init-models.ts';
import type { Video, VideoStatus } from '../../src/models/video-model.ts';
import { PROJECT_ROOT } from './child-process.ts';

export const SAMPLE_WEBM = readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'media', 'sample.webm'));

/** Stores `bytes` under a fresh key, as a finished tus upload; returns the key. */
export async function storeBytes(storage: MediaStorage, bytes: Buffer): Promise<string> {
  const key = randomBytes(16).toString('hex');
  await storage.uploads.create(new Upload({ id: key, size: bytes.length, offset: 0 }));
  await storage.uploads.write(Readable.from([bytes]), key, 0);
  return key;
}

export interface VideoSpec {
  title: string;
  position?: number;
  status?: VideoStatus;
  durationSeconds?: number;
  bytes?: Buffer;
}

/** A video of `creatorId` whose bytes are in the storage (the sample WebM unless told). */
export async function playableVideo(
  deps: { models: Models; storage: MediaStorage },
  creatorId: number,
  spec: VideoSpec,
): Promise<Video> {
  const bytes = spec.bytes ?? SAMPLE_WEBM;
  const storageKey = await storeBytes(deps.storage, bytes);
  return deps.models.Video.create({
    creatorId,
    title: spec.title,
    sizeBytes: bytes.length,
    durationSeconds: spec.durationSeconds ?? 4,
    status: spec.status ?? 'ready',
    storageKey,
    mimeType: 'video/webm',
    width: 320,
    height: 240,
    position: spec.position ?? 0,
  });
}
