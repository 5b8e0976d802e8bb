/**
 * Chronos listening on a real port next to a Whop sandbox, wired to each other as in
 * development: the sandbox's registered redirect URI is this app's callback. Used by the
 * integration tests that cross both (sign-in, onboarding, webhooks).
 */
import type { Server } from 'node:http';
import type { Env } from '../../src/config/config.ts';
import { createApp } from '../../src/app.ts';
import { listenHttp } from '../../src/http/http-server.ts';
import { buildRuntime, type Runtime } from '../../src/runtime.ts';
import type { ServiceOverrides } from '../../src/services/build-services.ts';
import { startTestSandbox, TEST_APP, type TestSandbox, type TestSandboxOverrides } from '@chronos/whop-sandbox/testing';
import { capturingLogger, runRedisPrefix, testConfig, testDatabase } from './test-runtime.ts';
import { freePort } from './free-port.ts';
import { TestBrowser } from './test-browser.ts';
import { signInThroughSandbox } from './sandbox-sign-in.ts';
import { SandboxControl } from './sandbox-control.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import type { Config } from '../../src/config/config.ts';

export interface ChronosWithSandbox {
  appUrl: string;
  sandbox: TestSandbox;
  runtime: Runtime;
  config: Readonly<Config>;
  logLines: string[];
  /** The sandbox's control API. */
  control: SandboxControl;
  /** Counts every REST call Chronos makes to the sandbox (`/api/v1/…`). */
  whopCalls: CountingProxy;
  /** Processes every due webhook event and sends every due mail; returns how many events were processed. */
  drain(): Promise<number>;
  /** Signs a new browser in as `whopUserId` through the consent page; returns the browser. */
  signIn(whopUserId: string, browser?: TestBrowser): Promise<TestBrowser>;
  close(): Promise<void>;
}

export interface ChronosWithSandboxOptions {
  env?: Env;
  /** Run the webhook worker, mail sender and scheduled jobs in the app (default: off; tests drain by hand). */
  backgroundJobs?: boolean;
  sandbox?: TestSandboxOverrides;
  services?: ServiceOverrides;
}

let appCount = 0;

export async function startChronosWithSandbox(options: ChronosWithSandboxOptions = {}): Promise<ChronosWithSandbox> {
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const sandbox = await startTestSandbox({
    ...options.sandbox,
    app: {
      ...TEST_APP,
      redirectUri: `${appUrl}/api/whop/auth/callback`,
      webhookUrl: `${appUrl}/api/whop/webhook`,
      ...options.sandbox?.app,
    },
  });
  const app = sandbox.options.app;
  const whopCalls = await startCountingProxy(sandbox.url);
  const db = await testDatabase();
  const config = testConfig(
    {
      PORT: String(port),
      APP_URL: appUrl,
      WHOP_OAUTH_ISSUER: sandbox.url,
      WHOP_API_BASE: `${whopCalls.url}/api/v1`,
      WHOP_API_KEY: app.apiKey,
      WHOP_CLIENT_ID: app.clientId,
      WHOP_CLIENT_SECRET: app.clientSecret,
      WHOP_COMPANY_ID: app.companyId,
      WHOP_WEBHOOK_SECRET: app.webhookSecret,
      WHOP_SANDBOX: 'off',
      // The dev mailbox (mail without SMTP_URL) is this sandbox's.
      SANDBOX_PORT: new URL(sandbox.url).port,
      // The sandbox's Whop frame pages (on its origin) may frame the embedded routes.
      WHOP_FRAME_ANCESTORS: sandbox.url,
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
      // Each app of the run counts its own rate limits and caches in Redis, as separate deployments would.
      REDIS_PREFIX: `${runRedisPrefix}app${(appCount += 1)}:`,
      ...options.env,
    },
    db.url,
  );
  const { logger, lines } = capturingLogger('debug');
  const runtime = await buildRuntime(config, logger, {
    migrate: false,
    databaseUrl: db.url,
    services: options.services,
    backgroundJobs: options.backgroundJobs ?? false,
  });
  const server: Server = await listenHttp(createApp(runtime.deps), port);

  const signIn = (whopUserId: string, browser = new TestBrowser()) =>
    signInThroughSandbox({ appUrl, sandboxUrl: sandbox.url, whopUserId, browser });

  return {
    appUrl,
    sandbox,
    runtime,
    config,
    logLines: lines,
    control: new SandboxControl(sandbox.url),
    whopCalls,
    signIn,
    async drain() {
      let total = 0;
      for (;;) {
        const r = await runtime.deps.services.webhooks.runOnce(100);
        await runtime.deps.services.emails.sendDue(100);
        total += r.processed;
        if (r.processed + r.failed + r.dead + r.lost === 0) return total;
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
      await whopCalls.close();
      await sandbox.close();
    },
  };
}
