/**
 * Chronos web and worker processes for the fault tests: real `src/server.ts` / `src/worker.ts`
 * child processes sharing one PostgreSQL, one Redis and one Whop sandbox, configured as a
 * deployment's instances would be (the same secrets, the same APP_URL), each on its own port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEntryPoint, waitForOk, type RunningProcess } from '../../support/child-process.ts';
import { freePort } from '../../support/free-port.ts';
import { bareChildEnv } from '../../support/test-env.ts';
import type { TestSandbox } from '@chronos/whop-sandbox/testing';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export interface Deployment {
  databaseUrl: string;
  redisUrl?: string;
  sandbox: TestSandbox;
  /** The public URL every instance is configured with (the one the sandbox redirects to). */
  appUrl: string;
  /** Settings every process of the deployment gets on top of the shared ones. */
  env?: Record<string, string>;
}

export interface ChronosProcess {
  /** `http://localhost:<port>` for a web process; empty for a worker. */
  url: string;
  port: number;
  output(): string;
  /** Sends `signal` (SIGTERM by default) and waits for the exit code; SIGKILL and `null` after 30 s. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** True while the process runs. */
  running(): boolean;
}

/** The settings all processes of one deployment share: one session secret, one token key, one Whop app. */
export function deploymentEnv(deployment: Deployment): Record<string, string> {
  const app = deployment.sandbox.options.app;
  return {
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    APP_URL: deployment.appUrl,
    DATABASE_URL: deployment.databaseUrl,
    ...(deployment.redisUrl ? { REDIS_URL: deployment.redisUrl } : {}),
    REDIS_PREFIX: 'chronos-faults:',
    SESSION_SECRET: 'fault-tests-session-secret-0123456789abcdef',
    WHOP_TOKEN_ENCRYPTION_KEY: `k1:${'ab'.repeat(32)}`,
    WHOP_SANDBOX: 'off',
    WHOP_OAUTH_ISSUER: deployment.sandbox.url,
    WHOP_API_BASE: `${deployment.sandbox.url}/api/v1`,
    WHOP_API_KEY: app.apiKey,
    WHOP_CLIENT_ID: app.clientId,
    WHOP_CLIENT_SECRET: app.clientSecret,
    WHOP_COMPANY_ID: app.companyId,
    WHOP_WEBHOOK_SECRET: app.webhookSecret,
    SANDBOX_PORT: new URL(deployment.sandbox.url).port,
    AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    ...deployment.env,
  };
}

async function waitForLine(running: RunningProcess, text: string): Promise<void> {
  const started = Date.now();
  while (!running.output().includes(text)) {
    if (running.child.exitCode !== null) throw new Error(`process exited early:\n${running.output()}`);
    if (Date.now() - started > START_TIMEOUT_MS) throw new Error(`no "${text}" within ${START_TIMEOUT_MS} ms:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function launch(script: string, env: Record<string, string>, port: number, ready: { url: string } | { line: string }): Promise<ChronosProcess> {
  const varDir = mkdtempSync(join(tmpdir(), 'chronos-faults-var-'));
  const processEnv = bareChildEnv({ ...env, VAR_DIR: varDir, ...(port > 0 ? { PORT: String(port) } : {}) });
  const running: RunningProcess = startEntryPoint(script, processEnv);
  const cleanUp = () => rmSync(varDir, { recursive: true, force: true });
  try {
    if ('url' in ready) await waitForOk(ready.url, START_TIMEOUT_MS, running);
    else await waitForLine(running, ready.line);
  } catch (error) {
    running.child.kill('SIGKILL');
    cleanUp();
    throw error;
  }
  return {
    url: port > 0 ? `http://localhost:${port}` : '',
    port,
    output: running.output,
    running: () => running.child.exitCode === null && running.child.signalCode === null,
    async stop(signal = 'SIGTERM') {
      if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)));
      const result = await Promise.race([running.exited, timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        running.child.kill('SIGKILL');
        await running.exited;
      }
      cleanUp();
      return result === 'timeout' ? null : result;
    },
  };
}

/** A web process (`npm start`'s entry point) on a free port (or `port`), once `/healthz` answers. */
export async function startWeb(deployment: Deployment, options: { port?: number; env?: Record<string, string> } = {}): Promise<ChronosProcess> {
  const port = options.port ?? (await freePort());
  return launch('src/server.ts', { ...deploymentEnv(deployment), ...options.env }, port, { url: `http://localhost:${port}/healthz` });
}

/** A worker process (`npm run worker`), once it logs that its background jobs started. */
export async function startWorker(deployment: Deployment, options: { env?: Record<string, string> } = {}): Promise<ChronosProcess> {
  return launch('src/worker.ts', { ...deploymentEnv(deployment), ...options.env }, 0, { line: 'background jobs started' });
}
