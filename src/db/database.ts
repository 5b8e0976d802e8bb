/** The Sequelize instance for a Postgres URL (real or embedded), and a cheap liveness probe. */
import { Sequelize } from 'sequelize';
import type { Logger } from 'pino';

export function createSequelize(url: string, logger: Logger, options: { poolMax?: number } = {}): Sequelize {
  return new Sequelize(url, {
    dialect: 'postgres',
    logging: (sql: string, timing?: number) => logger.trace({ sql: sql.slice(0, 500), ms: timing }, 'sql'),
    benchmark: true,
    pool: { max: options.poolMax ?? 10, min: 0, idle: 10_000, acquire: 15_000, evict: 5_000 },
    dialectOptions: { connectionTimeoutMillis: 5_000, statement_timeout: 30_000 },
    define: { underscored: true },
  });
}

/** Resolves when the database answers a trivial query within `timeoutMs`; rejects otherwise. */
export async function pingDatabase(sequelize: Sequelize, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([sequelize.query('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
