import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { readSizeFor, sendFile } from '../../src/http/send-file.ts';

const MiB = 1024 * 1024;

describe('a stored file streamed by send (src/http/send-file.ts)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'chronos-send-file-'));
  const path = join(directory, 'StoredVideoKey0001');
  const bytes = randomBytes(3 * MiB);
  writeFileSync(path, bytes);
  /** The chunk size of each read stream send opened, and the chunks the response was written in. */
  let seen: { highWaterMarks: number[]; chunks: number[] };
  let server: Server;
  let url: string;

  before(async () => {
    server = createServer((req, res) => {
      const readBytes = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('read'));
      sendFile(req, path, readBytes)
        .on('stream', (stream: ReadStream) => {
          seen.highWaterMarks.push(stream.readableHighWaterMark);
          stream.on('data', (chunk) => seen.chunks.push(chunk.length));
        })
        .on('error', (error: { status?: number }) => res.writeHead(error.status ?? 500).end())
        .pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => (seen = { highWaterMarks: [], chunks: [] }));
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(directory, { recursive: true, force: true });
  });

  // The one undocumented `send` behaviour Chronos leans on: its options reach fs.createReadStream.
  // If send changes shape, this fails rather than the media speed quietly halving.
  it('reads a bounded range whole, up to the most allowed: a 1 MiB range is one read', async () => {
    const answer = await fetch(`${url}/?read=${MiB}`, { headers: { range: `bytes=${MiB}-${2 * MiB - 1}` } });
    expect(answer.status).to.equal(206);
    expect(Buffer.from(await answer.arrayBuffer()).equals(bytes.subarray(MiB, 2 * MiB))).to.equal(true);
    expect(seen).to.deep.equal({ highWaterMarks: [MiB], chunks: [MiB] });
  });

  it('reads an open-ended range (a browser streaming the video) 64 KiB at a time, so a stalled viewer holds little', async () => {
    const answer = await fetch(`${url}/?read=${MiB}`, { headers: { range: `bytes=${2 * MiB}-` } });
    expect(answer.status).to.equal(206);
    expect(Buffer.from(await answer.arrayBuffer()).equals(bytes.subarray(2 * MiB))).to.equal(true);
    expect(seen.highWaterMarks).to.deep.equal([64 * 1024]);
    expect(seen.chunks).to.have.length(16);
  });

  it('reads a range of at most the most allowed in one read, and a longer one (a player streaming) 64 KiB at a time', () => {
    expect(readSizeFor(`bytes=0-${MiB - 1}`, MiB)).to.equal(MiB);
    expect(readSizeFor('bytes=100-300099', MiB)).to.equal(300_000);
    expect(readSizeFor('bytes=-500000', MiB)).to.equal(500_000);
    // Longer than allowed: Safari's bytes=N-<last byte>, paced by playback like an open-ended range.
    expect(readSizeFor(`bytes=0-${MiB}`, MiB)).to.equal(64 * 1024);
    expect(readSizeFor(`bytes=0-${MiB - 1}`, 256 * 1024)).to.equal(64 * 1024);
    expect(readSizeFor(`bytes=0-${200 * MiB - 1}`, MiB)).to.equal(64 * 1024);
    expect(readSizeFor(`bytes=-${MiB + 1}`, MiB)).to.equal(64 * 1024);
    // Safari's first request, a stream, no Range, several ranges or junk: fs's default.
    for (const range of [
      'bytes=0-1',
      'bytes=5-',
      undefined,
      'bytes=0-99999,200000-299999',
      'bytes=9-3',
      'items=0-99999',
    ])
      expect(readSizeFor(range, MiB), String(range)).to.equal(64 * 1024);
    // A limit below fs's default holds for streams too.
    expect(readSizeFor('bytes=5-', 16 * 1024)).to.equal(16 * 1024);
    expect(readSizeFor('bytes=0-99999', 16 * 1024)).to.equal(16 * 1024);
  });

  it('keeps every Range rule send gives: the bytes asked for, 416 past the end, the whole file without Range', async () => {
    const small = await fetch(`${url}/?read=${64 * 1024}`, { headers: { range: 'bytes=10-200009' } });
    expect(small.status).to.equal(206);
    expect(small.headers.get('content-range')).to.equal(`bytes 10-200009/${3 * MiB}`);
    expect(Buffer.from(await small.arrayBuffer()).equals(bytes.subarray(10, 200_010))).to.equal(true);
    expect(seen.chunks).to.deep.equal([65_536, 65_536, 65_536, 3392]);

    const past = await fetch(`${url}/?read=${MiB}`, { headers: { range: `bytes=${3 * MiB}-` } });
    expect(past.status).to.equal(416);
    expect(past.headers.get('content-range')).to.equal(`bytes */${3 * MiB}`);

    const whole = await fetch(`${url}/?read=${MiB}`);
    expect(whole.status).to.equal(200);
    expect(whole.headers.get('accept-ranges')).to.equal('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).to.equal(true);
  });
});
