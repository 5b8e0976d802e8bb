/**
 * A stored file streamed by `send` (Range, `If-Range`, 416, conditional GETs), with a read size of
 * Chronos's choosing. The one use of a `send` behaviour its README does not document: `send` copies
 * the options it is given into `fs.createReadStream`'s, so `highWaterMark` sets the size of each disk
 * read and of each chunk written to the socket. test/http/send-file.test.ts fails if `send` stops
 * passing it through.
 *
 * Why: at `send`'s default (64 KiB, fs's) a 1 MiB Range request is sixteen reads and sixteen writes;
 * read whole, it cost Chronos about a third less CPU and more throughput in the media-range bench
 * (which prints this A/B in every run: +11% to +127% in the README's runs). Why not always: a viewer
 * whose connection stalls holds about two reads in memory. A player streams a video as one long
 * range (Chrome `bytes=N-`, Safari `bytes=N-<last byte>`) and stops reading once it has buffered
 * enough; 50 such viewers held 6 MB of buffers at 64 KiB reads and 100 MB at 1 MiB. So a range of
 * at most `maxReadBytes` (a player's short requests, a seek) is read in one read, and anything
 * longer, paced by playback, 64 KiB at a time.
 */
import type { IncomingMessage } from 'node:http';
import { basename, dirname } from 'node:path';
import send from 'send';

type SendStream = ReturnType<typeof send>;

/** `send`'s documented options, plus the read stream's chunk size it passes through. */
type SendOptionsWithReads = send.SendOptions & { highWaterMark: number };

/** fs.createReadStream's default: how an open-ended stream is read. */
export const STREAMING_READ_BYTES = 64 * 1024;

const BOUNDED = /^bytes=(\d+)-(\d+)$/;
const SUFFIX = /^bytes=-(\d+)$/;

/** Bytes per read for a request's Range header: a range of 64 KiB..`maxReadBytes` whole, anything else 64 KiB. */
export function readSizeFor(range: string | undefined, maxReadBytes: number): number {
  const streaming = Math.min(STREAMING_READ_BYTES, maxReadBytes);
  if (range === undefined) return streaming;
  const bounded = BOUNDED.exec(range);
  const length = bounded ? Number(bounded[2]) - Number(bounded[1]) + 1 : Number(SUFFIX.exec(range)?.[1] ?? 0);
  return length > streaming && length <= maxReadBytes ? length : streaming;
}

export function sendFile(req: IncomingMessage, path: string, maxReadBytes: number): SendStream {
  const options: SendOptionsWithReads = {
    root: dirname(path),
    cacheControl: false,
    index: false,
    highWaterMark: readSizeFor(req.headers.range, maxReadBytes),
  };
  // The file is named by its storage key (letters, digits, _ and -): served from its folder.
  return send(req, `/${basename(path)}`, options);
}
