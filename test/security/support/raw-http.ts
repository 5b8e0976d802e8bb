/**
 * HTTP/1.1 over a plain TCP socket, for requests that `fetch` refuses to send or quietly fixes:
 * duplicated or oversized headers, raw bytes in header values, unnormalised `..` paths, odd
 * methods, bodies whose declared type lies. One request per connection (`Connection: close`);
 * the answer is read until the server closes, with a hard time limit.
 */
import { connect } from 'node:net';

export interface RawResponse {
  /** 0 when the server closed without answering. */
  status: number;
  headers: Record<string, string[]>;
  body: Buffer;
  text: string;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as given: no normalisation, no encoding. */
  target: string;
  /** Name/value pairs in order; a name may repeat. Values are written as latin1 bytes unless a Buffer. */
  headers?: readonly (readonly [string, string | Buffer])[];
  body?: Buffer | string;
  /** Add `Content-Length` for the body (default true when there is a body). */
  contentLength?: boolean;
  timeoutMs?: number;
}

export function head(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

function parseResponse(raw: Buffer): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) return { status: 0, headers: {}, body: Buffer.alloc(0), text: raw.toString('latin1') };
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string[]> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  let body = raw.subarray(end + 4);
  if (headers['transfer-encoding']?.some((v) => v.toLowerCase().includes('chunked'))) body = dechunk(body);
  return { status, headers, body, text: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd === -1) break;
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Sends one request over a new connection and returns the server's answer. */
export function rawRequest(appUrl: string, request: RawRequest): Promise<RawResponse> {
  const { host, port } = head(appUrl);
  const body =
    request.body === undefined
      ? undefined
      : Buffer.isBuffer(request.body)
        ? request.body
        : Buffer.from(request.body, 'utf8');
  const lines: Buffer[] = [
    Buffer.from(
      `${request.method} ${request.target} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n`,
      'latin1',
    ),
  ];
  for (const [name, value] of request.headers ?? []) {
    lines.push(
      Buffer.from(`${name}: `, 'latin1'),
      Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1'),
      Buffer.from('\r\n', 'latin1'),
    );
  }
  if (body && request.contentLength !== false) lines.push(Buffer.from(`Content-Length: ${body.length}\r\n`, 'latin1'));
  lines.push(Buffer.from('\r\n', 'latin1'));
  if (body) lines.push(body);
  const timeoutMs = request.timeoutMs ?? 10_000;

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${request.method} ${request.target.slice(0, 200)}`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(Buffer.concat(lines)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close (or reset) before it read the whole body, e.g. after a 413: what it said counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(chunks)));
    });
  });
}

/** Runs `work` over `items` with at most `concurrency` in flight; results keep the items' order. */
export async function inPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!, i);
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
