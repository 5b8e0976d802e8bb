/** Mocha global fixtures (main process): share the run's id with the parallel workers, say which mode this run uses; at the end drop the run's databases and Redis keys, and stop the embedded server. */
import { Redis } from 'ioredis';
import { dropTestDatabase } from './test-runtime.ts';
import { dropRunDatabases, stopEmbeddedTestServer } from './test-database.ts';
import { databaseMode, externalRedisUrl, shareTestRunId, storeMode, testRunId } from './test-env.ts';

export function mochaGlobalSetup(): void {
  shareTestRunId();
  process.stdout.write(`  test mode: database=${databaseMode}, sessions=${storeMode}\n`);
}

async function dropRunRedisKeys(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `chronos-test-${testRunId}-*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function mochaGlobalTeardown(): Promise<void> {
  await dropTestDatabase();
  await stopEmbeddedTestServer();
  await dropRunDatabases();
  if (externalRedisUrl) await dropRunRedisKeys(externalRedisUrl);
}
