/**
 * A production install of the working tree, made as a platform makes one: the files git knows
 * (committed or not, minus the ignored ones) copied into a temporary folder, `npm ci`,
 * `npm run build`, `npm prune --omit=dev`. And the Procfile's roles started from it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT, type RunningProcess } from '../../support/child-process.ts';
import { until } from '../../support/wait.ts';

/** Each step's duration, printed as it ends and listed again at the end. */
export const timings: { step: string; ms: number }[] = [];

export async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    const ms = Date.now() - started;
    timings.push({ step, ms });
    process.stdout.write(`      ${step}: ${(ms / 1000).toFixed(1)} s\n`);
  }
}

/** Copies the working tree's files (tracked and untracked, not ignored; deleted ones skipped) into a new folder. */
export function copyWorkingTree(): string {
  const target = mkdtempSync(join(tmpdir(), 'chronos-production-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of listed.split('\0').filter(Boolean)) {
    const source = join(PROJECT_ROOT, file);
    if (!existsSync(source) || !statSync(source).isFile()) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(source, join(target, file));
  }
  // Node reports the modules it loads by their real paths (a symlinked temporary folder would not match).
  return realpathSync(target);
}

/**
 * Runs a command to its end and returns its exit code and output. `env` unset: this process's
 * environment (npm's own settings, a proxy) is passed on, as for the install steps.
 */
export function runCommand(
  argv: string[],
  cwd: string,
  env?: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const running = startCommand(argv, cwd, env);
  return running.exited.then((code) => ({ code, output: running.output() }));
}

/** Runs an install step; throws with its output when it fails. */
export async function installStep(argv: string[], cwd: string): Promise<void> {
  const { code, output } = await runCommand(argv, cwd);
  if (code !== 0) throw new Error(`${argv.join(' ')} exited with ${code}:\n${output}`);
}

/** Process group ids of the commands started (`killLeftovers`): a group outlives its leader when npm dies before its node. */
const startedGroups = new Set<number>();

/** Starts a command in a process group of its own. */
export function startCommand(argv: string[], cwd: string, env?: Record<string, string>): RunningProcess {
  const [command, ...args] = argv;
  if (!command) throw new Error('empty command');
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (child.pid !== undefined) startedGroups.add(child.pid);
  return { child, output: () => output, exited };
}

/** The Procfile's roles and their commands, split into words as the commands are plain (no quotes, no shell syntax). */
export function readProcfile(dir: string): Record<string, string[]> {
  const roles: Record<string, string[]> = {};
  for (const line of readFileSync(join(dir, 'Procfile'), 'utf8').split('\n')) {
    const match = /^([\w-]+):\s*(.+)$/.exec(line.trim());
    if (match?.[1] && match[2]) roles[match[1]] = match[2].trim().split(/\s+/);
  }
  return roles;
}

/** Waits until the process has printed `pattern`; fails when it exits first or `timeoutMs` passes. */
export function waitForOutput(running: RunningProcess, pattern: RegExp, timeoutMs: number): Promise<number> {
  return until(
    () => {
      if (pattern.test(running.output())) return true;
      if (running.child.exitCode !== null)
        throw new Error(`process exited early (${running.child.exitCode}):\n${running.output()}`);
      return false;
    },
    { what: `${pattern} printed`, timeoutMs, intervalMs: 50, detail: running.output },
  );
}

/** Sends SIGTERM and waits for the exit code; fails after `timeoutMs`. */
export async function stopWithSigterm(running: RunningProcess, timeoutMs: number): Promise<number | null> {
  running.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no exit within ${timeoutMs} ms of SIGTERM:\n${running.output()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([running.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Cleanup after a failure or a timeout: kills what is left of the process groups of the commands
 * this run started (npm and the node it started), by their ids.
 */
export function killLeftovers(): void {
  for (const pid of startedGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  startedGroups.clear();
}
