/** Runs PostgreSQL's programs (initdb, pg_ctl) as the server's OS user, with none of Chronos's settings. */
import { spawn } from 'node:child_process';
import type { RunAs } from './embedded-postgres-files.ts';

/**
 * Only what the programs need (they find each other beside themselves): no setting or secret of Chronos's reaches the
 * server.
 */
export function childEnv(): NodeJS.ProcessEnv {
  return { LC_ALL: 'C', LANG: 'C' };
}

/** Runs one of PostgreSQL's programs as the server's user; resolves with its output, rejects with it. */
export function runProgram(
  program: string,
  args: string[],
  runAs: RunAs | undefined,
  options: { detached?: boolean } = {},
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, args, {
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
      ...(runAs ?? {}),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolvePromise(output) : reject(new Error(output.trim() || `${program} exited with ${code}`)),
    );
  });
}

/** The line of a program's output that says what went wrong (`initdb: error: …`), or its first. */
export function firstError(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /\b(error|FATAL|PANIC):/i.test(line)) ?? lines[0] ?? 'no output';
}
