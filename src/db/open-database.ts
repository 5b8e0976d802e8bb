/**
 * Opens the database a process uses: `DATABASE_URL` (with its TLS settings), or in development
 * the embedded PostgreSQL server. The connection is tried at once, so a wrong address, password
 * or certificate stops the start with one line naming the settings to check.
 */
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import type { ReleaseConfig } from '../config/config.ts';
import type { DatabaseSsl } from '../config/database-tls.ts';
import { createSequelize } from './database.ts';
import { connectionStartError } from './connection-start-error.ts';
import { startEmbeddedDatabase, type EmbeddedPostgres } from './embedded-database.ts';

export interface OpenDatabase {
  sequelize: Sequelize;
  url: string;
  /** pg's `ssl` option for further pools on the same database (false for the embedded one and test URLs). */
  ssl: DatabaseSsl;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Embedded database folder; defaults to `<varDir>/pgdata`. */
  embeddedDataDir?: string;
  /** Use this database URL instead of the configured one (tests make their own database). */
  databaseUrl?: string;
  /**
   * The embedded server, already starting (`server.ts` begins it before loading the rest of the
   * app); this database takes it over and stops it on close. Without it, it is started here.
   */
  embeddedDatabase?: Promise<EmbeddedPostgres>;
}

export async function openDatabase(
  config: Readonly<ReleaseConfig>,
  logger: Logger,
  options: OpenDatabaseOptions = {},
): Promise<OpenDatabase> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    let url = options.databaseUrl ?? config.databaseUrl;
    const ssl = options.databaseUrl === undefined ? config.databaseSsl : false;
    if (!url) {
      // Development only (production requires DATABASE_URL): embedded-database.ts.
      const embedded = await (options.embeddedDatabase ??
        startEmbeddedDatabase(config, logger, options.embeddedDataDir));
      if (!embedded) throw new Error('no database: DATABASE_URL is unset and no embedded database was started');
      closers.push(() => embedded.close());
      url = embedded.url;
    }
    const sequelize = createSequelize(url, logger, { poolMax: config.databasePoolMax, ssl });
    closers.push(() => sequelize.close());
    try {
      await sequelize.authenticate();
    } catch (error) {
      const settings = ssl === false ? 'DATABASE_URL' : 'DATABASE_URL sslmode, DATABASE_CA';
      throw connectionStartError(`the database at ${new URL(url).host}`, settings, error);
    }
    return { sequelize, url, ssl, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
