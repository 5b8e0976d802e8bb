/**
 * `dashboard`: a creator signed in through the sandbox (Redis session store, real PostgreSQL)
 * requesting /dashboard, next to the two baselines: a bare Express page and the stack floor
 * (one Redis read, one row, one small template), and a third, the required parts (the floor plus
 * the session, security headers, CSRF token, second statement and page size every signed-in
 * page must have: required-parts.ts). Each server and each load generator runs in a
 * process of its own; the sign-in happens in the load generator's. Whop is the sandbox behind a
 * counting proxy (in the bench process, idle during the runs): the runs must make zero Whop calls.
 */
import type { Logger } from 'pino';
import { startCountingProxy, type CountingProxy } from '../../test/support/counting-proxy.ts';
import type { BenchEnv } from './bench-support.ts';
import { withSandboxedChronos } from './sandboxed-chronos.ts';
import { startBareExpress } from './bare-express.ts';
import { seedFloorRow, startStackFloor } from './stack-floor.ts';
import { startRequiredParts } from './required-parts.ts';
import { startChronos } from './chronos-server.ts';
import type { LoadSpec } from './load-generator.ts';
import { failOn, measureSide, printBench, problems, type RunOptions } from './measure-side.ts';

export async function dashboardBench(base: BenchEnv, logger: Logger, options: RunOptions): Promise<void> {
  let calls: CountingProxy | undefined;
  try {
    await withSandboxedChronos(
      base,
      logger,
      async (sandboxUrl) => {
        calls = await startCountingProxy(sandboxUrl);
        return { WHOP_API_BASE: `${calls.url}/api/v1`, API_RATE_LIMIT_PER_MINUTE: '1000000' };
      },
      async ({ env, runtime, signIn }) => {
        const counted = calls!;
        const floorSettings = {
          name: 'dashboard' as const,
          databaseUrl: base.DATABASE_URL,
          poolMax: runtime.deps.config.databasePoolMax,
          redisUrl: base.REDIS_URL,
          redisKey: `${base.REDIS_PREFIX}floor`,
          userId: await seedFloorRow(runtime.deps.models),
        };
        const page = (url: string): LoadSpec => ({ kind: 'page', url: `${url}/dashboard` });

        const bare = await measureSide(() => startBareExpress('dashboard'), page, options);
        const floor = await measureSide(() => startStackFloor(floorSettings), page, options);
        const parts = await measureSide(
          () => startRequiredParts(floorSettings),
          (url) => ({ ...page(url), sessionFrom: `${url}/sign-in` }),
          options,
        );
        // Whop calls are counted from the end of the sign-in: over the warm-up and the measured run.
        const chronos = await measureSide(
          () => startChronos(env),
          (url) => ({ ...page(url), signIn }),
          options,
          () => counted.reset(),
        );
        const whopCalls = counted.count('/api/v1');

        printBench('dashboard', { bare, floor, parts, chronos });
        process.stdout.write(`  Whop calls during the runs: ${whopCalls}\n`);
        failOn([
          ...problems({ bare, floor, parts, chronos }),
          ...(whopCalls > 0 ? [`the dashboard made ${whopCalls} Whop API calls`] : []),
        ]);
      },
    );
  } finally {
    await calls?.close();
  }
}
