/**
 * `media-range`: 1 MiB Range GETs at random offsets of a 200 MB video (`--range-video-mb`),
 * as a player seeks, from a signed-in creator previewing their own video on disk storage
 * (session, access rule and `send` on every request), next to the baseline of bare Node
 * streaming the same ranges of the same file with `fs.createReadStream`. Each server and each
 * load generator runs in a process of its own.
 */
import type { Logger } from 'pino';
import { mkdirSync, rmSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime } from '../../src/runtime.ts';
import { startTestSandbox } from '@chronos/whop-sandbox/testing';
import { freePort } from '../../test/support/free-port.ts';
import { PROJECT_ROOT } from '../../test/support/child-process.ts';
import { deleteRedisKeys, type BenchEnv } from './bench-support.ts';
import { startChronos } from './chronos-server.ts';
import { startBareRangeServer } from './bare-range-server.ts';
import { mp4Payload } from './upload-payload.ts';
import { failOn, measureSide, sideLine, type RunOptions, type SideResult } from './measure-side.ts';

const MB = 1024 * 1024;
const RANGE_BYTES = MB;
const VIDEO_ID = 4242;
const STORAGE_KEY = 'BenchMediaRangeVideo0001';

function problemsOf(sides: Record<string, SideResult>): string[] {
  return Object.entries(sides).flatMap(([label, side]) =>
    [side.warm, side.measured]
      .filter((run) => run.non2xx > 0 || run.errors > 0)
      .map((run) => `${label}: ${run.non2xx} non-2xx answers and ${run.errors} errors in ${run.total} requests`),
  );
}

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
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const sandbox = await startTestSandbox({
    app: { redirectUri: `${appUrl}/api/whop/auth/callback`, webhookUrl: `${appUrl}/api/whop/webhook` },
  });
  try {
    const a = sandbox.options.app;
    const env = {
      ...base,
      APP_URL: appUrl,
      PORT: String(port),
      MEDIA_DIR: mediaDir,
      WHOP_OAUTH_ISSUER: sandbox.url,
      WHOP_API_BASE: `${sandbox.url}/api/v1`,
      WHOP_API_KEY: a.apiKey,
      WHOP_CLIENT_ID: a.clientId,
      WHOP_CLIENT_SECRET: a.clientSecret,
      WHOP_COMPANY_ID: a.companyId,
      WHOP_WEBHOOK_SECRET: a.webhookSecret,
    };
    const runtime = await buildRuntime(loadConfig(env), logger, { migrate: true });
    try {
      const signIn = {
        appUrl,
        sandboxUrl: sandbox.url,
        whopUserId: 'user_creator_free',
        companyId: 'biz_creator1',
        expectText: 'Creator One',
      };
      const spec = { kind: 'range' as const, sizeBytes, rangeBytes: RANGE_BYTES };
      const bare = await measureSide(
        () => startBareRangeServer(file),
        (url) => ({ ...spec, url: `${url}/media` }),
        options,
      );
      const chronos = await measureSide(
        () => startChronos(env),
        (url) => ({ ...spec, url: `${url}/media/videos/${VIDEO_ID}`, signIn }),
        options,
        // Once the creator has onboarded (in the load generator), their ready video is the file above.
        async () =>
          void (await runtime.deps.sequelize.query(
            `INSERT INTO videos (id, creator_id, title, size_bytes, status, upload_id, storage_key, mime_type,
               duration_seconds, width, height, codec, position)
             OVERRIDING SYSTEM VALUE
             SELECT :id, id, 'Bench video', :size, 'ready', :key, :key, 'video/mp4', 4, 320, 240, 'AVC', 1
               FROM creators WHERE whop_company_id = 'biz_creator1'`,
            { replacements: { id: VIDEO_ID, size: sizeBytes, key: STORAGE_KEY } },
          )),
      );
      const rps = chronos.measured.rps;
      process.stdout.write(
        `${sideLine('bare Node (createReadStream)', bare)}\n` +
          `bench media-range: ${Math.round(rps)} req/s p99 ${chronos.measured.p99} ms ratio ${(rps / bare.measured.rps).toFixed(2)} (${Math.round((rps * RANGE_BYTES) / MB)} MB/s)\n` +
          `${sideLine('chronos', chronos)}\n`,
      );
      failOn(problemsOf({ 'bare Node': bare, chronos }));
    } finally {
      await deleteRedisKeys(runtime.deps.redis, base.REDIS_PREFIX);
      await runtime.close();
    }
  } finally {
    await sandbox.close();
    rmSync(mediaDir, { recursive: true, force: true });
  }
}
