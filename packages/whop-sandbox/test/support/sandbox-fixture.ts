/**
 * Starts a Whop sandbox for a test on 127.0.0.1, port 0: silent logger, no data dir,
 * short webhook retry delays, and webhook delivery only when a webhook URL is given.
 */
import { pino } from 'pino';
import type { Sandbox } from '../../src/sandbox-app.ts';
import type { SandboxAppRegistration, SandboxOptions } from '../../src/sandbox-contracts.ts';
import { startSandbox } from '../../src/sandbox-server.ts';

export type TestSandboxOverrides = Partial<Omit<SandboxOptions, 'app'>> & { app?: Partial<SandboxAppRegistration> };

export interface TestSandbox {
  /** Origin, e.g. `http://127.0.0.1:43121`; the REST API is at `${url}/api/v1`. */
  url: string;
  /** The app proxy's origin (Whop's iframe origin for the app), when `appProxyPort` was given. */
  appProxyUrl: string | undefined;
  /** The options the sandbox runs with (origin filled in). */
  options: SandboxOptions;
  sandbox: Sandbox;
  close(): Promise<void>;
}

export const TEST_APP: SandboxAppRegistration = {
  clientId: 'app_sandbox_test',
  clientSecret: 'sandbox_test_client_secret',
  redirectUri: 'http://localhost:3000/api/whop/auth/callback',
  webhookUrl: 'http://127.0.0.1:9/api/whop/webhook',
  webhookSecret: 'ws_sandbox_test_secret',
  apiKey: 'apik_sandbox_test_key',
  companyId: 'biz_chronos',
};

export async function startTestSandbox(overrides: TestSandboxOverrides = {}): Promise<TestSandbox> {
  const { app, ...rest } = overrides;
  const options: SandboxOptions = {
    origin: 'http://127.0.0.1',
    accessTokenTtlSeconds: 3600,
    webhookRetryDelaysMs: [50, 100],
    apiRateLimitPerMinute: 10_000,
    deliverWebhooks: Boolean(app?.webhookUrl),
    logger: pino({ level: 'silent' }),
    dataDir: undefined,
    ...rest,
    app: { ...TEST_APP, ...app },
  };
  const running = await startSandbox(options, 0);
  return {
    url: running.url,
    appProxyUrl: running.appProxyUrl,
    options: running.sandbox.options,
    sandbox: running.sandbox,
    close: () => running.close(),
  };
}
