/**
 * `dashboard`: a creator signed in through the sandbox (Redis session store, real PostgreSQL)
 * requesting /dashboard, next to the two baselines: a bare Express page and the stack floor
 * (one Redis read, one row, one small template). Each server and each load generator runs in a
 * process of its own; the sign-in happens in the load generator's. Whop is the sandbox behind a
 * counting proxy (in the bench process, idle during the runs): the runs must make zero Whop calls.
 */
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime } from '../../src/runtime.ts';
import { startTestSandbox } from '@chronos/whop-sandbox/testing';
import { startCountingProxy } from '../../test/support/counting-proxy.ts';
import { freePort } from '../../test/support/free-port.ts';
import { deleteRedisKeys, type BenchEnv } from './bench-support.ts';
import { startBareExpress } from './bare-express.ts';
import { seedFloorRow, startStackFloor } from './stack-floor.ts';
import { startChronos } from './chronos-server.ts';
import type { LoadSpec, SignIn } from './load-generator.ts';
import { failOn, measureSide, printBench, problems, type RunOptions } from './measure-side.ts';

export async function dashboardBench(base: BenchEnv, logger: Logger, options: RunOptions): Promise<void> {
  // The app needs its port before the sandbox (redirect URI), and the sandbox before the app's config.
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const sandbox = await startTestSandbox({
    app: { redirectUri: `${appUrl}/api/whop/auth/callback`, webhookUrl: `${appUrl}/api/whop/webhook` },
  });
  const calls = await startCountingProxy(sandbox.url);
  try {
    const a = sandbox.options.app;
    const env = {
      ...base,
      APP_URL: appUrl,
      PORT: String(port),
      WHOP_OAUTH_ISSUER: sandbox.url,
      WHOP_API_BASE: `${calls.url}/api/v1`,
      WHOP_API_KEY: a.apiKey,
      WHOP_CLIENT_ID: a.clientId,
      WHOP_CLIENT_SECRET: a.clientSecret,
      WHOP_COMPANY_ID: a.companyId,
      WHOP_WEBHOOK_SECRET: a.webhookSecret,
      API_RATE_LIMIT_PER_MINUTE: '1000000',
    };
    const runtime = await buildRuntime(loadConfig(env), logger, { migrate: true });
    try {
      const floorSettings = {
        name: 'dashboard' as const,
        databaseUrl: base.DATABASE_URL,
        poolMax: runtime.deps.config.databasePoolMax,
        redisUrl: base.REDIS_URL,
        redisKey: `${base.REDIS_PREFIX}floor`,
        userId: await seedFloorRow(runtime.deps.models),
      };
      const signIn: SignIn = {
        appUrl,
        sandboxUrl: sandbox.url,
        whopUserId: 'user_creator_free',
        companyId: 'biz_creator1',
        expectText: 'Creator One',
      };
      const page = (url: string): LoadSpec => ({ kind: 'page', url: `${url}/dashboard` });

      const bare = await measureSide(() => startBareExpress('dashboard'), page, options);
      const floor = await measureSide(() => startStackFloor(floorSettings), page, options);
      // Whop calls are counted from the end of the sign-in: over the warm-up and the measured run.
      const chronos = await measureSide(
        () => startChronos(env),
        (url) => ({ ...page(url), signIn }),
        options,
        () => calls.reset(),
      );
      const whopCalls = calls.count('/api/v1');

      printBench('dashboard', { bare, floor, chronos });
      process.stdout.write(`  Whop calls during the runs: ${whopCalls}\n`);
      failOn([
        ...problems({ bare, floor, chronos }),
        ...(whopCalls > 0 ? [`the dashboard made ${whopCalls} Whop API calls`] : []),
      ]);
    } finally {
      await deleteRedisKeys(runtime.deps.redis, base.REDIS_PREFIX);
      await runtime.close();
    }
  } finally {
    await calls.close();
    await sandbox.close();
  }
}
