/**
 * A PostgreSQL cluster and a Redis server of the test's own, started from this machine's
 * binaries on free ports, so a fault test can stop, kill and restart them for real without
 * touching the services other tests (or other runs) use. Throws a clear error naming what is
 * missing when the binaries are not installed.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';
import { until } from './wait.ts';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 20_000;

/** What must still be stopped if the test run ends without closing a server (a failed before hook, mocha --exit). */
const leftOnExit = new Set<() => void>();
process.on('exit', () => {
  for (const stop of leftOnExit) {
    try {
      stop();
    } catch {
      // best effort: the run is ending
    }
  }
});

export interface PrivateService {
  url: string;
  port: number;
  /** Stops the server (PostgreSQL: `fast` shutdown; `immediate` is a crash without a checkpoint). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port (and, for PostgreSQL, the same data). */
  start(): Promise<void>;
  /** Stops it for good and deletes its files. */
  close(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  await until(check, { what: `${what} ready`, timeoutMs: READY_TIMEOUT_MS, intervalMs: 50, retryErrors: true });
}

function redisAnswersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString().startsWith('+PONG'));
    });
  });
}

export async function startPrivateRedis(): Promise<PrivateService> {
  const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));
  if (!binary) throw new Error('the fault tests need redis-server (Debian package redis-server)');
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    child = spawn(
      binary!,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--logfile', ''],
      { stdio: 'ignore' },
    );
    await waitFor(() => redisAnswersPing(port), `redis-server on port ${port}`);
  }
  async function stop(): Promise<void> {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  }

  const killNow = () => child?.kill('SIGKILL');
  leftOnExit.add(killNow);
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async close() {
      leftOnExit.delete(killNow);
      await stop();
    },
  };
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest)
    throw new Error(
      'the fault tests need PostgreSQL server binaries (Debian package postgresql: /usr/lib/postgresql/<version>/bin/initdb)',
    );
  return join(root, newest, 'bin');
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` user. */
function postgresUserCommand(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function asPostgresUser(command: string, args: string[]): Promise<void> {
  await run(...postgresUserCommand(command, args));
}

async function postgresUid(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** `settings`: extra server settings (`-c name=value`), e.g. TLS's `ssl=on` and its files. */
export async function startPrivatePostgres(
  options: { settings?: Record<string, string> } = {},
): Promise<PrivateService> {
  const bin = postgresBinDir();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'chronos-faults-pg-'));
  const owner = await postgresUid();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  await asPostgresUser(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  const extra = Object.entries(options.settings ?? {}).map(([name, value]) => ` -c ${name}=${value}`);
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100${extra.join('')}`;
  let running = false;

  async function start(): Promise<void> {
    await asPostgresUser(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-o',
      serverOptions,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '20',
      'start',
    ]);
    running = true;
  }
  async function stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!running) return;
    running = false;
    await asPostgresUser(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '20', 'stop']);
  }

  const stopNow = () => {
    if (running)
      execFileSync(...postgresUserCommand(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']), {
        stdio: 'ignore',
      });
    rmSync(dir, { recursive: true, force: true });
  };
  leftOnExit.add(stopNow);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    async close() {
      leftOnExit.delete(stopNow);
      await stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
