/**
 * Uploads the way a browser does: a real @tus/server over a storage's tus datastore on a
 * loopback port, and tus-js-client (the uploader's library) sending a Buffer in chunks.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@tus/server';
import type { DataStore } from '@tus/utils';
import { Upload } from 'tus-js-client';

export interface TusEndpoint {
  url: string;
  close(): Promise<void>;
}

export async function startTusEndpoint(datastore: DataStore): Promise<TusEndpoint> {
  const tus = new Server({ path: '/uploads', datastore });
  const http = createServer((req, res) => void tus.handle(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/uploads`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Sends `bytes` in `chunkSize` PATCHes and resolves with the upload id (the storage key);
 * with `stopAfterChunks`, the upload is abandoned after that many chunks, unfinished.
 */
export function tusUpload(
  endpoint: TusEndpoint,
  bytes: Buffer,
  options: { chunkSize: number; stopAfterChunks?: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    let chunks = 0;
    const idOf = () => new URL(upload.url ?? '').pathname.split('/').pop() ?? '';
    const upload = new Upload(bytes, {
      endpoint: endpoint.url,
      chunkSize: options.chunkSize,
      retryDelays: null,
      metadata: { filename: 'lesson.mp4', filetype: 'video/mp4' },
      onError: reject,
      onSuccess: () => resolve(idOf()),
      onChunkComplete: () => {
        chunks += 1;
        if (chunks === options.stopAfterChunks) upload.abort().then(() => resolve(idOf()), reject);
      },
    });
    upload.start();
  });
}
