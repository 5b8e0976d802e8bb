/**
 * What the dashboard, media-range and upload benches share: Chronos's settings next to the
 * bundled Whop sandbox (the app needs its port before the sandbox, for the redirect URI, and the
 * sandbox before the app's settings), a runtime built from them in the bench process (to migrate,
 * seed and read), and the creator the load generator signs in as. Closes it all afterwards and
 * deletes the run's Redis keys.
 */
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime, type Runtime } from '../../src/runtime.ts';
import { startTestSandbox } from '@chronos/whop-sandbox/testing';
import { freePort } from '../../test/support/free-port.ts';
import { deleteRedisKeys, type BenchEnv } from './bench-support.ts';
import type { SignIn } from './load-generator.ts';

export interface SandboxedChronos {
  /** The settings Chronos's own process is started with (`startChronos(env)`). */
  env: BenchEnv;
  runtime: Runtime;
  /** user_creator_free, who onboards biz_creator1. */
  signIn: SignIn;
}

export async function withSandboxedChronos(
  base: BenchEnv,
  logger: Logger,
  /** Settings of this bench, given the sandbox's URL (they may replace the defaults, `WHOP_API_BASE` say). */
  settings: (sandboxUrl: string) => Record<string, string> | Promise<Record<string, string>>,
  work: (chronos: SandboxedChronos) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const sandbox = await startTestSandbox({
    app: { redirectUri: `${appUrl}/api/whop/auth/callback`, webhookUrl: `${appUrl}/api/whop/webhook` },
  });
  try {
    const a = sandbox.options.app;
    const env: BenchEnv = {
      ...base,
      APP_URL: appUrl,
      PORT: String(port),
      WHOP_OAUTH_ISSUER: sandbox.url,
      WHOP_API_BASE: `${sandbox.url}/api/v1`,
      WHOP_API_KEY: a.apiKey,
      WHOP_CLIENT_ID: a.clientId,
      WHOP_CLIENT_SECRET: a.clientSecret,
      WHOP_COMPANY_ID: a.companyId,
      WHOP_WEBHOOK_SECRET: a.webhookSecret,
      ...(await settings(sandbox.url)),
    };
    const runtime = await buildRuntime(loadConfig(env), logger, { migrate: true });
    try {
      await work({
        env,
        runtime,
        signIn: {
          appUrl,
          sandboxUrl: sandbox.url,
          whopUserId: 'user_creator_free',
          companyId: 'biz_creator1',
          expectText: 'Creator One',
        },
      });
    } finally {
      await deleteRedisKeys(runtime.deps.redis, base.REDIS_PREFIX);
      await runtime.close();
    }
  } finally {
    await sandbox.close();
  }
}
