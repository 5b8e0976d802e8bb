/**
 * The embedded database for machines with no PostgreSQL: PGlite (Postgres compiled to WASM)
 * served on a loopback port by pglite-socket, so the very same `pg` driver, SQL and migrations
 * serve both. One process owns a data folder at a time (a pid lock file guards it).
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { useBatchQueue } from './pglite-query-queue.ts';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedPostgres {
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data folder; undefined keeps the database in memory (tests). */
  dataDir?: string | undefined;
  logger: Logger;
  /** Connections the socket server multiplexes onto PGlite's single session. */
  maxConnections?: number;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(dataDir: string): () => void {
  const lockFile = join(dirname(dataDir), `${dataDir.split('/').pop() ?? 'pgdata'}.lock`);
  mkdirSync(dirname(lockFile), { recursive: true });
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(lockFile, 'utf8'));
    if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
      throw new Error(`the embedded database in ${dataDir} is in use by process ${holder}; stop it or set DATABASE_URL`, { cause: error });
    }
    writeFileSync(lockFile, String(process.pid));
  }
  return () => rmSync(lockFile, { force: true });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const releaseLock = options.dataDir ? takeLock(options.dataDir) : () => undefined;
  try {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const started = Date.now();
    const db = await PGlite.create(options.dataDir ?? 'memory://');
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections ?? 32 });
    useBatchQueue(server, db);
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    options.logger.info({ dataDir: options.dataDir ?? 'memory', port, ms: Date.now() - started }, 'embedded postgres started');
    return {
      url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
      async close() {
        await server.stop();
        await db.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}
