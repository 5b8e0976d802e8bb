/**
 * Chronos as a user starts it (`node --import tsx src/server.ts`, what `npm start` runs): a bare
 * environment (PATH, HOME) plus a temporary VAR_DIR and free ports, so it runs on the README's
 * embedded defaults (PGlite, in-process sessions, the Whop sandbox beside it, the webhook worker
 * inside the web process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEntryPoint, waitForOk } from '../../support/child-process.ts';
import { freePort } from '../../support/free-port.ts';
import { bareChildEnv } from '../../support/test-env.ts';

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;

export interface RunningChronos {
  /** `http://localhost:<PORT>`: the origin of APP_URL's default, so cookies and redirect URIs match. */
  appUrl: string;
  /** `http://localhost:<SANDBOX_PORT>`: the sandbox (OIDC issuer, REST API, control UI). */
  sandboxUrl: string;
  startedInMs: number;
  output(): string;
  /** Set once the process has exited: how, and the end of its log. */
  exitedEarly(): string | undefined;
  /** SIGTERM, then the exit code (SIGKILL and `null` if it does not stop in time). */
  stop(): Promise<number | null>;
}

async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}

export async function startChronos(): Promise<RunningChronos> {
  const varDir = mkdtempSync(join(tmpdir(), 'chronos-e2e-'));
  const [port, sandboxPort] = await twoFreePorts();
  const env = bareChildEnv({ VAR_DIR: varDir, PORT: String(port), SANDBOX_PORT: String(sandboxPort) });
  const server = startEntryPoint('src/server.ts', env);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  server.child.on('exit', (code, signal) => (exit = { code, signal }));
  let stopping = false;
  const appUrl = `http://localhost:${port}`;
  const sandboxUrl = `http://localhost:${sandboxPort}`;
  let startedInMs: number;
  try {
    startedInMs = await waitForOk(`${appUrl}/healthz`, START_TIMEOUT_MS, server);
  } catch (error) {
    server.child.kill('SIGKILL');
    rmSync(varDir, { recursive: true, force: true });
    throw error;
  }

  return {
    appUrl,
    sandboxUrl,
    startedInMs,
    output: server.output,
    exitedEarly() {
      if (!exit || stopping) return undefined;
      const tail = server.output().trim().split('\n').slice(-15).join('\n');
      return `Chronos exited during the suite (code ${exit.code}, signal ${exit.signal}); its last log lines:\n${tail}`;
    },
    async stop() {
      stopping = true;
      if (server.child.exitCode === null) server.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)));
      const result = await Promise.race([server.exited, timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        server.child.kill('SIGKILL');
        await server.exited;
      }
      rmSync(varDir, { recursive: true, force: true });
      return result === 'timeout' ? null : result;
    },
  };
}
