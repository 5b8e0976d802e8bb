/**
 * Builds Chronos for a test the way `server.ts` does, but on this run's database (migrated
 * once), with test settings and a logger whose lines the test can read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Express } from 'express';
import { loadConfig, type Config, type Env } from '../../src/config/config.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { buildRuntime, type Runtime } from '../../src/runtime.ts';
import { createApp } from '../../src/app.ts';
import { createMigrator } from '../../src/db/migrator.ts';
import { scratchDatabase, type TestDatabase } from './test-database.ts';
import { externalRedisUrl, testRunId } from './test-env.ts';
import type { ServiceOverrides } from '../../src/services/build-services.ts';

let runDatabase: Promise<TestDatabase> | undefined;

/** This run's migrated database, made on first use and dropped by the global teardown. */
export function testDatabase(): Promise<TestDatabase> {
  runDatabase ??= (async () => {
    const db = await scratchDatabase();
    const runtime = await buildRuntime(testConfig({}, db.url), pino({ level: 'silent' }), {
      migrate: false,
      databaseUrl: db.url,
    });
    try {
      await createMigrator(runtime.deps.sequelize, runtime.deps.logger).up();
    } finally {
      await runtime.close();
    }
    return db;
  })();
  return runDatabase;
}

export async function dropTestDatabase(): Promise<void> {
  if (runDatabase) await (await runDatabase).drop();
  runDatabase = undefined;
}

/** This process's Redis keys: the run's id (the teardown removes `chronos-test-<run>-*`) and the process, so parallel workers never share a key. */
export const runRedisPrefix = `chronos-test-${testRunId}-${process.pid}:`;

export function testConfig(overrides: Env = {}, databaseUrl?: string): Readonly<Config> {
  return loadConfig({
    NODE_ENV: 'test',
    VAR_DIR: mkdtempSync(join(tmpdir(), 'chronos-var-')),
    SESSION_SECRET: 'test-session-secret-0123456789abcdef',
    DATABASE_URL: databaseUrl,
    REDIS_URL: externalRedisUrl,
    REDIS_PREFIX: runRedisPrefix,
    ...overrides,
  });
}

/** A logger that keeps every line it writes, so tests can assert what is (never) logged. */
export function capturingLogger(level = 'info'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level }, sink), lines };
}

export interface TestApp {
  app: Express;
  runtime: Runtime;
  config: Readonly<Config>;
  logLines: string[];
  close(): Promise<void>;
}

export async function startTestApp(overrides: Env = {}, services: ServiceOverrides = {}): Promise<TestApp> {
  const db = await testDatabase();
  const config = testConfig(overrides, db.url);
  const { logger, lines } = capturingLogger();
  const runtime = await buildRuntime(config, logger, { migrate: false, databaseUrl: db.url, services });
  return { app: createApp(runtime.deps), runtime, config, logLines: lines, close: () => runtime.close() };
}
