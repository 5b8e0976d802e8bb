/**
 * A database of this test run's own, on a real PostgreSQL server: with `DATABASE_URL` set, on
 * that server; otherwise on a throw-away embedded PostgreSQL server (the same program
 * `npm start` embeds), started once per run in a temporary folder and stopped by the global
 * teardown. Either way the database is `chronos_test_<random>`, dropped afterwards;
 * `scratchDatabase()` makes further empty ones (migration tests).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequelize } from 'sequelize';
import { pino } from 'pino';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { externalDatabaseUrl } from './test-env.ts';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let embeddedServer: Promise<{ server: EmbeddedPostgres; folder: string }> | undefined;

/** The run's throw-away embedded server (started on first use). */
function embeddedServerUrl(): Promise<string> {
  embeddedServer ??= (async () => {
    const folder = mkdtempSync(join(tmpdir(), 'chronos-test-pg-'));
    const server = await startEmbeddedPostgres({
      dataDir: join(folder, 'pgdata'),
      password: randomBytes(18).toString('base64url'),
      database: 'postgres',
      logger: pino({ level: 'silent' }),
      throwaway: true,
    });
    return { server, folder };
  })();
  return embeddedServer.then(({ server }) => server.url);
}

/** Stops the run's embedded server, if one was started (global teardown). */
export async function stopEmbeddedTestServer(): Promise<void> {
  if (!embeddedServer) return;
  const { server, folder } = await embeddedServer;
  embeddedServer = undefined;
  await server.close();
  rmSync(folder, { recursive: true, force: true });
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** The URL of the server this run's databases are made on (its `postgres` database). */
export function testServerUrl(): Promise<string> {
  return externalDatabaseUrl ? Promise.resolve(externalDatabaseUrl) : embeddedServerUrl();
}

export async function scratchDatabase(): Promise<TestDatabase> {
  const serverUrl = await testServerUrl();
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
