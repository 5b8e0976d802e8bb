/**
 * Chronos as real child processes (`src/server.ts`, `src/worker.ts`, what `npm start` and
 * `npm run worker` run), for the suites that test processes rather than an app in this one:
 * the e2e journeys start it as a user would (a bare environment on the README's embedded
 * defaults, `startChronos`); the fault tests start a deployment's web and worker instances
 * sharing one PostgreSQL, one Redis and one Whop sandbox (`startWeb`, `startWorker`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEntryPoint, waitForOk, type RunningProcess } from './child-process.ts';
import { freePort } from './free-port.ts';
import { bareChildEnv } from './test-env.ts';
import type { TestSandbox } from '@chronos/whop-sandbox/testing';
import { until } from './wait.ts';

const STOP_TIMEOUT_MS = 30_000;

export interface ChronosProcess {
  /** `http://localhost:<port>` for a web process; empty for a worker. */
  url: string;
  port: number;
  /** How long the process took to be ready. */
  startedInMs: number;
  output(): string;
  /** True while the process runs. */
  running(): boolean;
  /** Set once the process has exited without being stopped: how, and the end of its log. */
  exitedEarly(): string | undefined;
  /** Sends `signal` (SIGTERM by default) and waits for the exit code; SIGKILL and `null` after 30 s. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

interface LaunchOptions {
  port: number;
  /** Ready when this URL answers 200, or when the process has written this line. */
  ready: { url: string } | { line: string };
  startTimeoutMs: number;
}

async function launch(script: string, env: Record<string, string>, options: LaunchOptions): Promise<ChronosProcess> {
  const varDir = mkdtempSync(join(tmpdir(), 'chronos-process-var-'));
  const processEnv = bareChildEnv({
    ...env,
    VAR_DIR: varDir,
    ...(options.port > 0 ? { PORT: String(options.port) } : {}),
  });
  const child: RunningProcess = startEntryPoint(script, processEnv);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.child.on('exit', (code, signal) => (exit = { code, signal }));
  let stopping = false;
  const cleanUp = () => rmSync(varDir, { recursive: true, force: true });
  let startedInMs: number;
  try {
    const { ready } = options;
    if ('url' in ready) startedInMs = await waitForOk(ready.url, options.startTimeoutMs, child);
    else {
      startedInMs = await until(
        () => {
          if (child.child.exitCode !== null) throw new Error(`process exited early:\n${child.output()}`);
          return child.output().includes(ready.line);
        },
        { what: `"${ready.line}" in the output of ${script}`, timeoutMs: options.startTimeoutMs, intervalMs: 50 },
      );
    }
  } catch (error) {
    child.child.kill('SIGKILL');
    cleanUp();
    throw error;
  }
  return {
    url: options.port > 0 ? `http://localhost:${options.port}` : '',
    port: options.port,
    startedInMs,
    output: child.output,
    running: () => child.child.exitCode === null && child.child.signalCode === null,
    exitedEarly() {
      if (!exit || stopping) return undefined;
      const tail = child.output().trim().split('\n').slice(-15).join('\n');
      return `Chronos exited during the suite (code ${exit.code}, signal ${exit.signal}); its last log lines:\n${tail}`;
    },
    async stop(signal = 'SIGTERM') {
      stopping = true;
      if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)),
      );
      const result = await Promise.race([child.exited, timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        child.child.kill('SIGKILL');
        await child.exited;
      }
      cleanUp();
      return result === 'timeout' ? null : result;
    },
  };
}

async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}

export interface RunningChronos extends ChronosProcess {
  /** `http://localhost:<PORT>`: the origin of APP_URL's default, so cookies and redirect URIs match. */
  appUrl: string;
  /** `http://localhost:<SANDBOX_PORT>`: the sandbox (OIDC issuer, REST API, control UI). */
  sandboxUrl: string;
}

/** Chronos as a user starts it: a bare environment (PATH, HOME), a temporary VAR_DIR and free ports, so it runs on the README's embedded defaults. */
export async function startChronos(): Promise<RunningChronos> {
  const [port, sandboxPort] = await twoFreePorts();
  const server = await launch(
    'src/server.ts',
    { SANDBOX_PORT: String(sandboxPort) },
    { port, ready: { url: `http://localhost:${port}/healthz` }, startTimeoutMs: 90_000 },
  );
  return { ...server, appUrl: server.url, sandboxUrl: `http://localhost:${sandboxPort}` };
}

export interface Deployment {
  databaseUrl: string;
  redisUrl?: string;
  sandbox: TestSandbox;
  /** The public URL every instance is configured with (the one the sandbox redirects to). */
  appUrl: string;
  /** Settings every process of the deployment gets on top of the shared ones. */
  env?: Record<string, string>;
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

/** A web process of the deployment on a free port (or `port`), once `/healthz` answers. */
export async function startWeb(
  deployment: Deployment,
  options: { port?: number; env?: Record<string, string> } = {},
): Promise<ChronosProcess> {
  const port = options.port ?? (await freePort());
  return launch(
    'src/server.ts',
    { ...deploymentEnv(deployment), ...options.env },
    { port, ready: { url: `http://localhost:${port}/healthz` }, startTimeoutMs: 60_000 },
  );
}

/** A worker process of the deployment, once it logs that its background jobs started. */
export async function startWorker(
  deployment: Deployment,
  options: { env?: Record<string, string> } = {},
): Promise<ChronosProcess> {
  return launch(
    'src/worker.ts',
    { ...deploymentEnv(deployment), ...options.env },
    { port: 0, ready: { line: 'background jobs started' }, startTimeoutMs: 60_000 },
  );
}
