/**
 * Whether a process uses the embedded database, and its start: development without
 * `DATABASE_URL` (production requires the setting and has no embedded database). The server
 * module is a development dependency, loaded only when one is started.
 *
 * Kept apart from open-database.ts (which loads Sequelize) so that `server.ts` can begin the
 * start before it loads the rest of the app: a new data folder's initdb alone takes a second or
 * more, and loading the app's modules longer; the two run side by side.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ReleaseConfig } from '../config/config.ts';
import type { EmbeddedPostgres } from './embedded-postgres.ts';

export type { EmbeddedPostgres };

/**
 * The embedded server's start (in `dataDir`, by default `<varDir>/pgdata`), or undefined when
 * `DATABASE_URL` names the database; a rejected start outside development, which has no embedded database.
 */
export function startEmbeddedDatabase(
  config: Pick<ReleaseConfig, 'databaseUrl' | 'embeddedDatabasePassword' | 'varDir'>,
  logger: Logger,
  dataDir?: string,
): Promise<EmbeddedPostgres> | undefined {
  if (config.databaseUrl) return undefined;
  const password = config.embeddedDatabasePassword;
  if (password === undefined)
    return Promise.reject(new Error('no DATABASE_URL, and no embedded database outside development'));
  return import('./embedded-postgres.ts').then(({ startEmbeddedPostgres }) =>
    startEmbeddedPostgres({ dataDir: dataDir ?? join(config.varDir, 'pgdata'), password, database: 'chronos', logger }),
  );
}
