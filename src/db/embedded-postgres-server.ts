/**
 * The embedded server's process, driven by pg_ctl: its cluster created (initdb) on first start,
 * the server started on a free loopback port with Chronos's settings, and stopped with a fast
 * shutdown, at `close()`, at the process's exit, or when a killed process left it running.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { EmbeddedDatabaseError, type PostgresBinaries } from './postgres-binaries.ts';
import { CHRONOS_CONF_INCLUDE, runningServerPid, writeServerFile, type RunAs } from './embedded-postgres-files.ts';
import { childEnv, firstError, runProgram } from './embedded-postgres-programs.ts';
import { errorMessage } from '../domain/app-errors.ts';

export interface EmbeddedPostgresOptions {
  /** The cluster's folder, e.g. `var/pgdata`; its parent is made private (0700). */
  dataDir: string;
  /** The `postgres` role's password, set when the cluster is created. */
  password: string;
  /** The database the returned `url` names, created on first start. */
  database: string;
  logger: Logger;
  /** A cluster for a test run: no fsync, not crash-safe, its folder deleted by `close()`. */
  throwaway?: boolean;
}

const START_TIMEOUT_SECONDS = 60;
const PORT_ATTEMPTS = 3;

/** Settings written to `chronos.conf` in the data folder before each start (postgresql.conf includes it). */
function serverSettings(port: number, throwaway: boolean): string {
  const settings: Record<string, string> = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: "''",
    // npm start's pools need a few dozen; a test run's many apps need more.
    max_connections: throwaway ? '200' : '50',
    // Small and idle-friendly: the app's data is small, and a developer's laptop runs it beside
    // everything else. No I/O worker processes (PostgreSQL 18's default), no logical replication.
    shared_buffers: "'16MB'",
    io_method: "'sync'",
    max_logical_replication_workers: '0',
    max_worker_processes: '4',
    huge_pages: 'off',
    log_checkpoints: 'off',
    log_min_messages: 'warning',
  };
  if (throwaway) Object.assign(settings, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });
  return `${Object.entries(settings)
    .map(([name, value]) => `${name} = ${value}`)
    .join('\n')}\n`;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePromise(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The first FATAL or PANIC line of the server's log, or its last line. */
function whyNotStarted(logFile: string): string {
  let log: string;
  try {
    log = readFileSync(logFile, 'utf8');
  } catch {
    return 'no log was written';
  }
  const lines = log
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /\b(FATAL|PANIC):/.test(line)) ?? lines.at(-1) ?? 'the log is empty';
}

export async function initialise(
  binaries: PostgresBinaries,
  options: EmbeddedPostgresOptions,
  runAs: RunAs | undefined,
): Promise<void> {
  const { dataDir, logger } = options;
  const started = Date.now();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
  const passwordFile = `${dataDir}.password`;
  writeServerFile(passwordFile, `${options.password}\n`, runAs);
  try {
    await runProgram(
      binaries.initdb,
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=scram-sha-256',
        `--pwfile=${passwordFile}`,
        '-E',
        'UTF8',
        '--locale=C',
        '--no-instructions',
        ...(options.throwaway ? ['--no-sync'] : []),
      ],
      runAs,
    );
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true }); // only what initdb itself began: the folder was new or empty
    throw new EmbeddedDatabaseError(
      `the embedded PostgreSQL could not create its data folder ${dataDir}: ${firstError(errorMessage(error))}`,
      { cause: error },
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
  writeServerFile(
    join(dataDir, 'postgresql.conf'),
    `${readFileSync(join(dataDir, 'postgresql.conf'), 'utf8')}\n${CHRONOS_CONF_INCLUDE}\n`,
    runAs,
  );
  logger.info({ dataDir, ms: Date.now() - started }, 'embedded postgres initialised');
}

/** A fast shutdown (connections ended, a clean checkpoint); a server already gone counts as stopped. */
export async function stopServer(binaries: PostgresBinaries, dataDir: string, runAs: RunAs | undefined): Promise<void> {
  try {
    await runProgram(
      binaries.pg_ctl,
      ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', String(START_TIMEOUT_SECONDS), '-s'],
      runAs,
    );
  } catch (error) {
    if (runningServerPid(dataDir) !== undefined) throw error;
  }
}

/** Starts the server on a free port, retrying with another when the chosen one was taken meanwhile. */
export async function startServer(
  binaries: PostgresBinaries,
  options: EmbeddedPostgresOptions,
  runAs: RunAs | undefined,
): Promise<number> {
  const { dataDir } = options;
  const logFile = `${dataDir}.log`;
  for (let attempt = 1; ; attempt += 1) {
    const port = await freeLoopbackPort();
    writeServerFile(join(dataDir, 'chronos.conf'), serverSettings(port, options.throwaway ?? false), runAs);
    writeServerFile(logFile, '', runAs);
    try {
      await runProgram(
        binaries.pg_ctl,
        ['start', '-D', dataDir, '-l', logFile, '-w', '-t', String(START_TIMEOUT_SECONDS), '-s'],
        runAs,
        { detached: true },
      );
      return port;
    } catch (error) {
      const reason = whyNotStarted(logFile);
      if (/address already in use/i.test(reason) && attempt < PORT_ATTEMPTS) continue;
      throw new EmbeddedDatabaseError(
        `the embedded PostgreSQL in ${dataDir} did not start: ${reason} (full log: ${logFile})`,
        { cause: error },
      );
    }
  }
}

/**
 * A server left by an earlier process: stopped when its `postmaster.pid` names a live postgres
 * (the caller holds the data folder's lock, so no live Chronos process owns it), or the stale
 * file removed when it names none.
 */
export async function stopLeftoverServer(
  binaries: PostgresBinaries,
  dataDir: string,
  runAs: RunAs | undefined,
  logger: Logger,
): Promise<void> {
  const orphan = runningServerPid(dataDir);
  if (orphan !== undefined) {
    // We hold the lock, so no live Chronos process owns this server: a killed one left it running.
    logger.warn({ serverPid: orphan, dataDir }, 'stopping an embedded postgres left running by a process that ended');
    await stopServer(binaries, dataDir, runAs);
  } else if (existsSync(join(dataDir, 'postmaster.pid'))) {
    rmSync(join(dataDir, 'postmaster.pid'), { force: true }); // names no live server (a pid reused after a reboot)
  }
}

/** The last resort at the process's exit: a fast shutdown, waited for synchronously. */
export function stopServerAtExit(binaries: PostgresBinaries, dataDir: string, runAs: RunAs | undefined): void {
  spawnSync(binaries.pg_ctl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-s'], {
    env: childEnv(),
    stdio: 'ignore',
    ...(runAs ?? {}),
  });
}
