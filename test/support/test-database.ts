/**
 * A database of this test run's own, on a real PostgreSQL server: with `DATABASE_URL` set, on
 * that server; otherwise on a throw-away embedded PostgreSQL server (the same program
 * `npm start` embeds), started once per run in a temporary folder and stopped by the global
 * teardown. Either way the database is `chronos_test_<run>_<random>`, dropped afterwards;
 * `scratchDatabase()` makes further empty ones (migration tests).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes, Sequelize } from 'sequelize';
import { pino } from 'pino';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { externalDatabaseUrl, testRunId } from './test-env.ts';

/** Every database this run makes is named so (the teardown drops what parallel workers left). */
const testDatabasePrefix = `chronos_test_${testRunId}_`;

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
    // A parallel worker ends without the global teardown: its server is stopped by the embedded
    // database's own exit handler (registered by the start, so it runs first), then its folder goes.
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
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

/** Drops every database of this run left on a `DATABASE_URL` server (workers' included; global teardown). */
export async function dropRunDatabases(): Promise<void> {
  if (!externalDatabaseUrl) return;
  const admin = new Sequelize(externalDatabaseUrl, { logging: false });
  try {
    const rows = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      { bind: [testDatabasePrefix], type: QueryTypes.SELECT },
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.close();
  }
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
  const name = `${testDatabasePrefix}${randomBytes(6).toString('hex')}`;
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
