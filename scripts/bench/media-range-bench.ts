/**
 * `media-range`: 1 MiB Range GETs at random offsets of a 200 MB video (`--range-video-mb`),
 * as a player seeks, from a signed-in creator previewing their own video on disk storage, at
 * the signed URL the player page gives its `<video>` (signature, access rule and `send` on every
 * request), then at the bare URL with the session cookie alone (the player's path once its URL
 * has expired: session, user, access rule and `send`), next to the baseline of bare Node
 * streaming the same ranges of the same file with `fs.createReadStream`, and the A/B of the one
 * private techniques kept, each on the signed URL again: Chronos served by `http.createServer(app)`
 * (without src/http/http-server.ts's request classes), and Chronos reading each range 64 KiB at a
 * time, `send`'s default (MEDIA_READ_KIB=64; src/http/send-file.ts). Each server and each load generator (range-load.ts) runs in a process
 * of its own.
 */
import type { Logger } from 'pino';
import { closeSync, createWriteStream, fsyncSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { PROJECT_ROOT } from '../../test/support/child-process.ts';
import type { BenchEnv } from './bench-support.ts';
import { withSandboxedChronos } from './sandboxed-chronos.ts';
import { startChronos } from './chronos-server.ts';
import { startBareRangeServer } from './bare-range-server.ts';
import { mp4Payload } from './upload-payload.ts';
import { failOn, measureSide, problems, sideLine, type RunOptions } from './measure-side.ts';

const MB = 1024 * 1024;
const RANGE_BYTES = MB;
const VIDEO_ID = 4242;
const STORAGE_KEY = 'BenchMediaRangeVideo0001';

export async function mediaRangeBench(
  base: BenchEnv,
  logger: Logger,
  options: RunOptions & { videoMb: number },
): Promise<void> {
  const sizeBytes = options.videoMb * MB;
  const mediaDir = `${PROJECT_ROOT}/var/bench/media-range-${Date.now()}`;
  mkdirSync(mediaDir, { recursive: true, mode: 0o700 });
  const file = `${mediaDir}/${STORAGE_KEY}`;
  await pipeline(mp4Payload(sizeBytes).stream(), createWriteStream(file));
  // On disk before any run: the kernel writing 200 MB back during a run took CPU from whichever side ran then.
  const written = openSync(file, 'r');
  fsyncSync(written);
  closeSync(written);
  try {
    await withSandboxedChronos(
      base,
      logger,
      () => ({ MEDIA_DIR: mediaDir }),
      async ({ env, runtime, signIn }) => {
        const spec = { kind: 'range' as const, sizeBytes, rangeBytes: RANGE_BYTES };
        const bare = await measureSide(
          () => startBareRangeServer(file),
          (url) => ({ ...spec, url: `${url}/media` }),
          options,
        );
        // Once the creator has onboarded (in the load generator), their ready video is the file above.
        const insertVideo = async () =>
          void (await runtime.deps.sequelize.query(
            `INSERT INTO videos (id, creator_id, title, size_bytes, status, upload_id, storage_key, mime_type,
             duration_seconds, width, height, codec, position)
           OVERRIDING SYSTEM VALUE
           SELECT :id, id, 'Bench video', :size, 'ready', :key, :key, 'video/mp4', 4, 320, 240, 'AVC', 1
             FROM creators WHERE whop_company_id = 'biz_creator1'
           ON CONFLICT (id) DO NOTHING`,
            { replacements: { id: VIDEO_ID, size: sizeBytes, key: STORAGE_KEY } },
          ));
        const media = (url: string) => `${url}/media/videos/${VIDEO_ID}`;
        // The player's path: the signed URL its page gives the <video> (cookie sent too, as a browser does).
        const playerSpec = (url: string) => ({
          ...spec,
          url: media(url),
          playerUrl: `${url}/courses/biz_creator1/videos/${VIDEO_ID}`,
          signIn,
        });
        const chronos = await measureSide(() => startChronos(env), playerSpec, options, insertVideo);
        // A/B: the same signed URL, Chronos served by http.createServer(app), without its own request classes.
        const plainServer = await measureSide(
          () => startChronos(env, { plainServer: true }),
          playerSpec,
          options,
          insertVideo,
        );
        // A/B: the same signed URL, each range read 64 KiB at a time (send's default; src/http/send-file.ts).
        const smallReads = await measureSide(
          () => startChronos({ ...env, MEDIA_READ_KIB: '64' }),
          playerSpec,
          options,
          insertVideo,
        );
        // The same ranges on the bare URL with the cookie alone: the player's path once its signed URL expired.
        const session = await measureSide(
          () => startChronos(env),
          (url) => ({ ...spec, url: media(url), signIn }),
          options,
          insertVideo,
        );
        const rps = chronos.measured.rps;
        const bareRps = bare.measured.rps;
        process.stdout.write(
          `${sideLine('bare Node (createReadStream)', bare)}\n` +
            `bench media-range: ${Math.round(rps)} req/s p99 ${chronos.measured.p99} ms ratio ${(rps / bareRps).toFixed(2)} (${Math.round((rps * RANGE_BYTES) / MB)} MB/s)\n` +
            `${sideLine('chronos (signed URL from the player page)', chronos)}\n` +
            `${sideLine(`chronos (session cookie only, ratio ${(session.measured.rps / bareRps).toFixed(2)})`, session)}\n` +
            `${sideLine(`A/B: chronos without its own request classes (signed URL, ratio ${(plainServer.measured.rps / bareRps).toFixed(2)})`, plainServer)}\n` +
            `${sideLine(`A/B: chronos reading 64 KiB at a time, send's default (signed URL, ratio ${(smallReads.measured.rps / bareRps).toFixed(2)})`, smallReads)}\n`,
        );
        failOn(
          problems({
            'bare Node': bare,
            chronos,
            'chronos (session cookie only)': session,
            'A/B': plainServer,
            'A/B reads': smallReads,
          }),
        );
      },
    );
  } finally {
    rmSync(mediaDir, { recursive: true, force: true });
  }
}
