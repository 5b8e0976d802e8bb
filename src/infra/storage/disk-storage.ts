/**
 * Media on local disk (the embedded default): tus's FileStore writes each upload to
 * `<dir>/<id>` with its tus metadata in `<dir>/<id>.json`. The folder is private to the app
 * (0700). Keys are checked before they touch a path, so no key reaches outside the folder.
 */
import { mkdirSync } from 'node:fs';
import { open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { checkedKey, STORAGE_KEY, type MediaStorage, type StoredObject } from './media-storage.ts';

const SIDECAR = '.json';

/**
 * `maxReadBytes` (MEDIA_READ_KIB): a Range of a video up to this long is read in one read, so a 1 MiB
 * Range request is one read instead of sixteen (src/http/send-file.ts).
 */
export function createDiskStorage(options: {
  directory: string;
  uploadExpiryMs: number;
  maxReadBytes: number;
}): MediaStorage {
  const { directory, maxReadBytes } = options;
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const uploads = new FileStore({ directory, expirationPeriodInMilliseconds: options.uploadExpiryMs });
  const pathOf = (key: string) => join(directory, checkedKey(key));

  return {
    kind: 'disk',
    uploads,

    async read(key, start, length) {
      const file = await open(pathOf(key), 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await file.read(buffer, 0, length, start);
        return buffer.subarray(0, bytesRead);
      } finally {
        await file.close();
      }
    },

    async put(key, bytes) {
      // Written beside and renamed into place, so a reader never sees half a file.
      const path = pathOf(key);
      const partial = `${path}.${randomUUID()}.tmp`;
      try {
        await writeFile(partial, bytes, { mode: 0o600 });
        await rename(partial, path);
      } finally {
        await rm(partial, { force: true });
      }
    },

    async size(key) {
      try {
        return (await stat(pathOf(key))).size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },

    async remove(key) {
      await rm(pathOf(key), { force: true });
      await rm(`${pathOf(key)}${SIDECAR}`, { force: true });
    },

    async *list(): AsyncIterable<StoredObject> {
      const seen = new Set<string>();
      for (const name of await readdir(directory)) {
        const key = name.endsWith(SIDECAR) ? name.slice(0, -SIDECAR.length) : name;
        if (!STORAGE_KEY.test(key) || seen.has(key)) continue;
        seen.add(key);
        const stats = await stat(join(directory, name)).catch(() => null);
        if (stats) yield { key, modifiedAt: stats.mtime };
      }
    },

    async playback(key) {
      return { kind: 'file', path: pathOf(key), maxReadBytes };
    },

    async close() {},
  };
}
