/**
 * Umzug 3 over the files in `migrations/`. Names are stored without their extension, so the
 * same history serves `.ts` files run by tsx and `.js` files, were they ever compiled.
 */
import { Umzug, SequelizeStorage } from 'umzug';
import type { QueryInterface, Sequelize } from 'sequelize';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readdirSync } from 'node:fs';
import { join, parse } from 'node:path';
import type { Logger } from 'pino';

export type MigrationContext = { queryInterface: QueryInterface; sequelize: Sequelize };
export interface MigrationModule {
  up(params: { context: MigrationContext }): Promise<void>;
  down(params: { context: MigrationContext }): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

function migrationFiles(): { name: string; path: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d.*\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
    .sort()
    .map((file) => ({ name: parse(file).name, path: join(MIGRATIONS_DIR, file) }));
}

export function createMigrator(sequelize: Sequelize, logger: Logger): Umzug<MigrationContext> {
  return new Umzug<MigrationContext>({
    migrations: migrationFiles().map(({ name, path }) => ({
      name,
      path,
      up: async (params) => ((await import(pathToFileURL(path).href)) as MigrationModule).up(params),
      down: async (params) => ((await import(pathToFileURL(path).href)) as MigrationModule).down(params),
    })),
    context: { queryInterface: sequelize.getQueryInterface(), sequelize },
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: {
      info: ({ event, name, durationSeconds }) => logger.info({ event, migration: name, durationSeconds }, 'migration'),
      warn: (message) => logger.warn({ message }, 'migration'),
      error: (message) => logger.error({ message }, 'migration'),
      debug: (message) => logger.debug({ message }, 'migration'),
    },
  });
}
