/**
 * The bytes the upload bench sends: a real MP4 (the 4-second fixture) followed by one ISO BMFF
 * `free` box that pads the file to the size asked for. The result is a valid MP4 that Chronos
 * accepts and probes like any other; the padding is generated as it is sent, so the sender
 * holds one chunk in memory and never reads a disk.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { PROJECT_ROOT } from '../../test/support/child-process.ts';

const CHUNK = 1024 * 1024;

export function mp4Payload(totalBytes: number): { length: number; stream(): Readable } {
  const video = readFileSync(`${PROJECT_ROOT}/test/fixtures/media/sample.mp4`);
  const padding = totalBytes - video.length;
  if (padding < 8 || padding >= 2 ** 32)
    throw new Error(`a payload of ${totalBytes} bytes cannot be padded with one box`);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(padding, 0);
  header.write('free', 4, 'latin1');
  const zeros = Buffer.alloc(CHUNK);
  return {
    length: totalBytes,
    stream() {
      return Readable.from(
        (function* () {
          yield video;
          yield header;
          for (let left = padding - 8; left > 0; left -= CHUNK) yield left >= CHUNK ? zeros : zeros.subarray(0, left);
        })(),
      );
    },
  };
}
