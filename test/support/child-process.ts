/** Runs one of the project's entry points as a user would, and collects what it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until } from './wait.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function startEntryPoint(script: string, env: Record<string, string>, args: string[] = []): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Polls `url` until it answers 200 or `timeoutMs` passes; returns the milliseconds it took. */
export function waitForOk(url: string, timeoutMs: number, process?: RunningProcess): Promise<number> {
  return until(
    async () => {
      const response = await fetch(url).catch(() => undefined); // not listening yet
      if (response?.status === 200) return true;
      if (process && process.child.exitCode !== null) throw new Error(`process exited early:\n${process.output()}`);
      return false;
    },
    { what: `${url} answering 200`, timeoutMs, intervalMs: 100, detail: () => process?.output() ?? '' },
  );
}
