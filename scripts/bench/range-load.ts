/**
 * The media-range bench's client: `connections` keep-alive connections, each sending GETs of one
 * random aligned range after another until the time is up, counting the bytes as they arrive and
 * keeping none. Each connection reads into one buffer of its own (net's `onread`), so a response
 * costs no allocation.
 *
 * Why not autocannon (the other benches' client): it keeps every response body as a string, so
 * each 1 MiB body was decoded and concatenated, and Node's HTTP client allocates a buffer per
 * read; on this 2-core machine either cost 1–6 ms of CPU per request, varying run to run with the
 * memory they churned, more than the servers they measured. The servers answer with a
 * Content-Length (send and the baseline both do); a chunked answer is counted an error.
 * Latency is from writing the request to its last byte; percentiles are exact (every sample kept).
 */
import { connect, type Socket } from 'node:net';
import type { LoadResult } from './bench-support.ts';

export interface RangeLoad {
  url: string;
  headers: Record<string, string>;
  connections: number;
  sizeBytes: number;
  rangeBytes: number;
}

const READ_BUFFER_BYTES = 256 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

/** The value at quantile `q` (0–1) of sorted samples. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

interface Tally {
  latencies: number[];
  ok: number;
  non2xx: number;
  errors: number;
}

/** What the head of an answer says: its status and how many body bytes follow, or null if unusable. */
function parseHead(head: string): { status: number; length: number } | null {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  if (!Number.isInteger(status) || length === undefined || /\r\ntransfer-encoding:/i.test(head)) return null;
  return { status, length: Number(length) };
}

/** One connection's loop: request, read the answer to its last byte, again until `until`. */
function runConnection(load: RangeLoad, target: URL, until: number, tally: Tally): Promise<void> {
  const slots = Math.floor(load.sizeBytes / load.rangeBytes);
  const fixedHeaders = Object.entries({ host: target.host, ...load.headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return new Promise((resolve) => {
    let socket: Socket;
    let head: Buffer[] = [];
    let remaining = -1; // body bytes still to come; -1 while reading the head
    let status = 0;
    let sent = 0;
    let finished = false;
    const finish = () => {
      finished = true;
      socket.destroy();
      resolve();
    };
    const next = () => {
      if (performance.now() >= until) return finish();
      const start = Math.floor(Math.random() * slots) * load.rangeBytes;
      head = [];
      remaining = -1;
      sent = performance.now();
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\n${fixedHeaders}` +
          `range: bytes=${start}-${start + load.rangeBytes - 1}\r\n\r\n`,
      );
    };
    const done = () => {
      tally.latencies.push(performance.now() - sent);
      if (status >= 200 && status < 300) tally.ok += 1;
      else tally.non2xx += 1;
      next();
    };
    // The socket's close handler counts the error and opens another connection.
    const fail = () => void socket.destroy();
    const onBytes = (bytes: number, buffer: Buffer) => {
      let body = bytes;
      if (remaining < 0) {
        head.push(Buffer.from(buffer.subarray(0, bytes)));
        const seen = Buffer.concat(head);
        const end = seen.indexOf(HEADER_END);
        if (end < 0) return;
        const parsed = parseHead(seen.subarray(0, end).toString('latin1'));
        if (!parsed) return fail();
        status = parsed.status;
        remaining = parsed.length;
        body = seen.length - end - HEADER_END.length;
      }
      remaining -= body;
      if (remaining === 0) done();
      else if (remaining < 0) fail();
    };
    const open = () => {
      if (performance.now() >= until) return resolve();
      const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
      const current = connect({
        host: target.hostname,
        port: Number(target.port),
        onread: {
          buffer,
          callback: (bytes) => {
            onBytes(bytes, buffer);
            return true; // keep reading
          },
        },
      });
      socket = current;
      current.setNoDelay(true);
      current.on('connect', next);
      current.on('error', () => undefined);
      current.on('close', () => {
        if (finished || socket !== current) return;
        tally.errors += 1;
        open();
      });
    };
    open();
  });
}

export async function runRangeLoad(load: RangeLoad, seconds: number): Promise<LoadResult> {
  const target = new URL(load.url);
  const tally: Tally = { latencies: [], ok: 0, non2xx: 0, errors: 0 };
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  const until = began + seconds * 1000;
  await Promise.all(Array.from({ length: load.connections }, () => runConnection(load, target, until, tally)));
  const elapsed = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = Float64Array.from(tally.latencies).sort();
  const total = tally.latencies.length + tally.errors;
  const ms = (value: number) => Math.round(value);
  return {
    rps: tally.latencies.length / elapsed,
    p50: ms(quantile(sorted, 0.5)),
    p90: ms(quantile(sorted, 0.9)),
    p99: ms(quantile(sorted, 0.99)),
    max: ms(sorted.at(-1) ?? 0),
    total,
    ok: tally.ok,
    non2xx: tally.non2xx,
    errors: tally.errors,
    loadCpuMicrosPerRequest: Math.round((cpu.user + cpu.system) / Math.max(1, total)),
  };
}
