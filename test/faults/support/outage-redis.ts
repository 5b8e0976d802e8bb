/**
 * Pausing a running redis-server without stopping it (SIGSTOP/SIGCONT): the connection stays
 * open, the data stays, and nothing answers, which is what an overloaded or frozen Redis
 * looks like to its clients.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The pid of the redis-server on `port`, as it reports it itself. */
export async function redisPid(port: number): Promise<number> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'INFO', 'server']);
  const match = /process_id:(\d+)/.exec(stdout);
  if (!match) throw new Error(`redis-cli INFO server on port ${port} named no process_id:\n${stdout}`);
  return Number(match[1]);
}

export interface PausedRedis {
  /** Lets the server run again; safe to call more than once. */
  resume(): void;
}

export function pauseRedis(pid: number): PausedRedis {
  process.kill(pid, 'SIGSTOP');
  let paused = true;
  return {
    resume() {
      if (!paused) return;
      paused = false;
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone (closed by the test's clean-up)
      }
    },
  };
}
