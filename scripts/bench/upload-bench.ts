/**
 * `upload`: one large video (a real MP4 padded to `--upload-mb`, 1 GiB by default) uploaded
 * through tus to Chronos's disk storage by a signed-in creator, next to the baseline of bare
 * Node piping the same bytes to a file. Each server and each sender runs in a process of its
 * own; each side first sends a 64 MiB warm-up. Reports throughput, the ratio to the baseline,
 * and how far Chronos's RSS rose during the measured upload above what it was just before
 * (its peak RSS, `getrusage`): bytes must stream to disk, never collect in memory.
 */
import type { Logger } from 'pino';
import { rmSync } from 'node:fs';
import { PROJECT_ROOT } from '../../test/support/child-process.ts';
import type { BenchEnv } from './bench-support.ts';
import { withSandboxedChronos } from './sandboxed-chronos.ts';
import { startChronos } from './chronos-server.ts';
import { startBareUploadServer } from './bare-upload-server.ts';
import { startUploadClient, type UploadResult, type UploadTarget } from './upload-client.ts';
import type { BenchServer } from './bench-children.ts';
import { failOn } from './measure-side.ts';

const MB = 1024 * 1024;
const WARM_UP_BYTES = 64 * MB;

interface UploadSide {
  measured: UploadResult;
  mbPerSecond: number;
  rssBeforeMb: number;
  rssPeakMb: number;
}

async function measureUpload(
  start: () => Promise<BenchServer>,
  target: (url: string) => UploadTarget,
  bytes: number,
  beforeRuns?: () => Promise<void>,
): Promise<UploadSide & { warm: UploadResult }> {
  const server = await start();
  try {
    const client = await startUploadClient(target(server.url));
    try {
      await beforeRuns?.();
      const warm = await client.upload(WARM_UP_BYTES);
      const before = await server.usage();
      const measured = await client.upload(bytes);
      const after = await server.usage();
      return {
        warm,
        measured,
        mbPerSecond: bytes / MB / (measured.ms / 1000),
        rssBeforeMb: before.rssMb,
        rssPeakMb: after.maxRssMb,
      };
    } finally {
      await client.stop();
    }
  } finally {
    await server.stop();
  }
}

const sideLine = (label: string, side: UploadSide, bytes: number) =>
  `  ${label}: ${side.mbPerSecond.toFixed(0)} MB/s (${(bytes / MB).toFixed(0)} MB in ${(side.measured.ms / 1000).toFixed(2)} s); RSS ${side.rssBeforeMb} MB before, peak ${side.rssPeakMb} MB`;

export async function uploadBench(base: BenchEnv, logger: Logger, options: { uploadMb: number }): Promise<void> {
  const bytes = options.uploadMb * MB;
  const mediaDir = `${PROJECT_ROOT}/var/bench/media-${Date.now()}`;
  try {
    await withSandboxedChronos(
      base,
      logger,
      () => ({ MEDIA_DIR: mediaDir }),
      async ({ env, runtime, signIn }) => {
        const bare = await measureUpload(
          () => startBareUploadServer(`${mediaDir}-bare`),
          (url) => ({ kind: 'bare', url }),
          bytes,
        );
        const chronos = await measureUpload(
          () => startChronos(env),
          (url) => ({ kind: 'tus', url, signIn }),
          bytes,
          // The bench uploads more than a free plan holds: once onboarded, the creator runs an unlimited plan.
          async () => void (await runtime.deps.sequelize.query("UPDATE creators SET tier = 'enterprise'")),
        );
        const ratio = chronos.mbPerSecond / bare.mbPerSecond;
        const growth = chronos.rssPeakMb - chronos.rssBeforeMb;
        process.stdout.write(
          `${sideLine('bare Node (pipe to a file)', bare, bytes)}\n` +
            `bench upload: ${chronos.mbPerSecond.toFixed(0)} MB/s ratio ${ratio.toFixed(2)} rss +${growth} MB\n` +
            `${sideLine('chronos (tus to disk)', chronos, bytes)}\n`,
        );
        const runs: [string, UploadResult][] = [
          ['bare', bare.warm],
          ['bare', bare.measured],
          ['chronos', chronos.warm],
          ['chronos', chronos.measured],
        ];
        failOn(
          runs
            .filter(([, run]) => !(run.status >= 200 && run.status < 300))
            .map(([label, run]) => `${label}: upload answered ${run.status} ${run.body}`),
        );
      },
    );
  } finally {
    rmSync(mediaDir, { recursive: true, force: true });
    rmSync(`${mediaDir}-bare`, { recursive: true, force: true });
  }
}
