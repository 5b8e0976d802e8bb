/**
 * A database of this test run's own: with `DATABASE_URL` set, a fresh database
 * (`chronos_test_<random>`) on that server, dropped afterwards; otherwise an in-memory
 * embedded Postgres. `scratchDatabase()` makes further empty ones (migration tests).
 */
import { randomBytes } from 'node:crypto';
import { Sequelize } from 'sequelize';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { externalDatabaseUrl } from './test-env.ts';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

const silent = pino({ level: 'silent' });

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function scratchDatabase(): Promise<TestDatabase> {
  const serverUrl = externalDatabaseUrl;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ logger: silent, dataDir: undefined });
    return { url: embedded.url, drop: () => embedded.close() };
  }
  const name = `chronos_test_${randomBytes(6).toString('hex')}`;
  const admin = new Sequelize(serverUrl, { logging: false });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  return {
    url: withDatabaseName(serverUrl, name),
    async drop() {
      const dropper = new Sequelize(serverUrl, { logging: false });
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.close();
      }
    },
  };
}
