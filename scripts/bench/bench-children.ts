/**
 * The benchmark's processes and how they talk. The bench process forks each server (bare
 * Express, the stack floor, Chronos) and each load generator as a child of its own (`node
 * --import tsx`, as `npm start` runs), and exchanges small IPC messages with them between runs
 * only: nothing crosses the channel while a run is measured.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { PROJECT_ROOT } from '../../test/support/child-process.ts';

export interface BenchMessage {
  type: string;
  [key: string]: unknown;
}

/** The parent's handle on a forked child: send a message, wait for the child's next message of a type, stop it. */
export interface BenchChild {
  readonly name: string;
  send(message: BenchMessage): void;
  next<T extends BenchMessage>(type: string): Promise<T>;
  /** Closes the channel (the child's cue to stop: close what it opened, exit) and waits until it has exited. */
  stop(): Promise<void>;
}

export function forkChild(name: string, script: string, argument: unknown): BenchChild {
  const child: ChildProcess = fork(script, [JSON.stringify(argument)], {
    cwd: PROJECT_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: BenchMessage[] = [];
  const waiters: { type: string; resolve(message: BenchMessage): void; reject(error: Error): void }[] = [];
  let exitError: Error | undefined;
  const fail = (error: Error) => {
    exitError ??= error;
    for (const waiter of waiters.splice(0)) waiter.reject(exitError);
  };
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      fail(new Error(`the ${name} process exited (${signal ?? `code ${code}`})`));
      resolve();
    });
  });
  child.on('error', fail);
  child.on('message', (message: BenchMessage) => {
    const index = waiters.findIndex((w) => w.type === message.type);
    if (index >= 0) waiters.splice(index, 1)[0]!.resolve(message);
    else inbox.push(message);
  });
  return {
    name,
    send(message) {
      if (!child.connected) throw exitError ?? new Error(`the ${name} process is not connected`);
      child.send(message, (error) => error && fail(error));
    },
    next<T extends BenchMessage>(type: string): Promise<T> {
      const index = inbox.findIndex((m) => m.type === type);
      if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0] as T);
      if (exitError) return Promise.reject(exitError);
      return new Promise<T>((resolve, reject) =>
        waiters.push({ type, resolve: resolve as (m: BenchMessage) => void, reject }),
      );
    },
    async stop() {
      if (child.connected) child.disconnect();
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** In a child: the argument the parent forked it with. */
export function childArgument<T>(): T {
  const raw = process.argv[2];
  if (!raw || !process.send) throw new Error('this script runs as a child of scripts/bench.ts');
  return JSON.parse(raw) as T;
}

export function tellParent(message: BenchMessage): void {
  process.send?.(message);
}

/**
 * In a server child: reports `url` to the parent, answers `usage` (this process's CPU time in
 * microseconds, its RSS and its peak RSS so far) and, when the parent closes the channel (or goes away), runs `close` and exits.
 */
export function serveForBench(url: string, close: () => Promise<void>): void {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await close();
    process.exit(0);
  };
  process.on('message', (message: BenchMessage) => {
    if (message.type === 'usage') {
      const cpu = process.cpuUsage();
      tellParent({
        type: 'usage',
        cpuMicros: cpu.user + cpu.system,
        rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
        maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      });
    }
  });
  process.on('disconnect', () => void stop());
  tellParent({ type: 'listening', url });
}

/** Stops accepting, lets requests still running finish (the load generator has stopped by then), then closes what is left. */
export async function closeServer(server: Server): Promise<void> {
  const forced = setTimeout(() => server.closeAllConnections(), 5_000);
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  clearTimeout(forced);
}

/** A server child as the parent sees it. */
export interface BenchServer {
  url: string;
  /** The server process's CPU time so far (microseconds), its RSS now and its peak RSS since it started. */
  usage(): Promise<{ cpuMicros: number; rssMb: number; maxRssMb: number }>;
  stop(): Promise<void>;
}

/** Forks a server script (one that calls `serveForBench`) and waits until it listens. */
export async function startServer(name: string, script: string, argument: unknown): Promise<BenchServer> {
  const child = forkChild(name, script, argument);
  let url: string;
  try {
    url = (await child.next<BenchMessage & { url: string }>('listening')).url;
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    url,
    async usage() {
      child.send({ type: 'usage' });
      const { cpuMicros, rssMb, maxRssMb } = await child.next<
        BenchMessage & { cpuMicros: number; rssMb: number; maxRssMb: number }
      >('usage');
      return { cpuMicros, rssMb, maxRssMb };
    },
    stop: () => child.stop(),
  };
}
