/**
 * Where video bytes live: one interface, two backends (local disk under `var/media`, the
 * embedded default; S3-compatible object storage in production). Uploads arrive through the
 * backend's tus datastore, so an object's key is its tus upload id. Everything else reads,
 * serves, lists or removes objects by that key and never learns which backend it talks to.
 */
import type { DataStore } from '@tus/utils';

export type StorageKind = 'disk' | 's3';

/** Object keys are tus upload ids Chronos makes: letters, digits, `_` and `-` only, so never a path. */
export const STORAGE_KEY = /^[A-Za-z0-9_-]{16,128}$/;

export class InvalidStorageKeyError extends Error {
  constructor() {
    super('not a storage key');
  }
}

export function checkedKey(key: string): string {
  if (!STORAGE_KEY.test(key)) throw new InvalidStorageKeyError();
  return key;
}

export interface StoredObject {
  key: string;
  modifiedAt: Date;
}

/**
 * How a player gets the bytes: a local file streamed with Range support (a range up to
 * `maxReadBytes` long read in one read), or a short-lived presigned URL.
 */
export type Playback =
  { kind: 'file'; path: string; maxReadBytes: number } | { kind: 'redirect'; url: string; expiresAt: Date };

export interface MediaStorage {
  readonly kind: StorageKind;
  /** The tus datastore that writes uploads into this storage; one instance per process. */
  readonly uploads: DataStore;
  /** Origins besides this app's that players fetch from (S3: the bucket's), for the CSP's `media-src`. */
  readonly playbackOrigins?: readonly string[];
  /** `length` bytes from `start` of a stored object (content sniffing, media probing); fewer at its end. */
  read(key: string, start: number, length: number): Promise<Buffer>;
  /** Stores a small object whole (a creator's logo), replacing any under that key. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The object's size in bytes, or null if there is none. */
  size(key: string): Promise<number | null>;
  /** Removes the object and anything the upload kept beside it; removing what is absent is not an error. */
  remove(key: string): Promise<void>;
  /** Every object key, finished or partial upload (for the sweeper), each once. */
  list(): AsyncIterable<StoredObject>;
  /** How to play the object; S3 URLs expire after `ttlSeconds` (at most 300). */
  playback(key: string, options: { ttlSeconds: number; contentType: string }): Promise<Playback>;
  close(): Promise<void>;
}
