/**
 * The upload bench's sender, in a process of its own: streams one payload per `run` message
 * and times it from the first byte sent to the server's answer. For Chronos it signs a creator
 * in first (as the dashboard bench does) and speaks tus: a creation request, then the whole file
 * in one PATCH, as tus-js-client does with its default chunk size. For the baseline it PUTs.
 */
import { request } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { childArgument, forkChild, tellParent, type BenchMessage } from './bench-children.ts';
import { signedInCookie, type SignIn } from './load-generator.ts';
import { mp4Payload } from './upload-payload.ts';

export type UploadTarget = { kind: 'bare'; url: string } | { kind: 'tus'; url: string; signIn: SignIn };

export interface UploadResult {
  ms: number;
  status: number;
  body: string;
}

export interface UploadClient {
  upload(bytes: number): Promise<UploadResult>;
  stop(): Promise<void>;
}

export async function startUploadClient(target: UploadTarget): Promise<UploadClient> {
  const child = forkChild('upload client', fileURLToPath(import.meta.url), target);
  try {
    await child.next('ready');
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    async upload(bytes) {
      child.send({ type: 'run', bytes });
      return (await child.next<BenchMessage & { result: UploadResult }>('result')).result;
    },
    stop: () => child.stop(),
  };
}

/** Sends `body` (a payload's stream) with `headers`; resolves with the answer once it is complete. */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: NodeJS.ReadableStream,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body) pipeline(body, req).catch(reject);
    else req.end();
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = childArgument<UploadTarget>();
  let auth: Record<string, string> = {};
  if (target.kind === 'tus') {
    const cookie = await signedInCookie(target.signIn);
    const me = await send(`${target.url}/api/me`, 'GET', { cookie });
    auth = {
      cookie,
      'x-csrf-token': (JSON.parse(me.body) as { csrfToken: string }).csrfToken,
      'tus-resumable': '1.0.0',
    };
  }

  async function upload(bytes: number): Promise<UploadResult> {
    const payload = mp4Payload(bytes);
    const length = { 'content-length': String(payload.length) };
    if (target.kind === 'bare') {
      const started = performance.now();
      const answer = await send(`${target.url}/upload`, 'PUT', length, payload.stream());
      return { ms: performance.now() - started, status: answer.status, body: answer.body };
    }
    const filename = Buffer.from('bench.mp4').toString('base64');
    const created = await send(`${target.url}/api/uploads`, 'POST', {
      ...auth,
      'upload-length': String(payload.length),
      'upload-metadata': `filename ${filename}`,
    });
    const location = created.headers.location;
    if (created.status !== 201 || typeof location !== 'string')
      return { ms: 0, status: created.status, body: created.body };
    const started = performance.now();
    const answer = await send(
      new URL(location, target.url).href,
      'PATCH',
      { ...auth, ...length, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      payload.stream(),
    );
    return { ms: performance.now() - started, status: answer.status, body: answer.body };
  }

  process.on('message', (message: BenchMessage) => {
    if (message.type !== 'run') return;
    upload(Number(message.bytes)).then(
      (result) => tellParent({ type: 'result', result }),
      (error: unknown) => {
        process.stderr.write(`upload client failed: ${(error as Error).stack ?? String(error)}\n`);
        process.exit(1);
      },
    );
  });
  process.on('disconnect', () => process.exit(0));
  tellParent({ type: 'ready' });
}
