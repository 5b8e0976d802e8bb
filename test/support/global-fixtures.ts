/** Mocha global fixtures: say which mode this run uses; at the end drop the run's database and Redis keys, and stop the embedded server. */
import { Redis } from 'ioredis';
import { dropTestDatabase, runRedisPrefix } from './test-runtime.ts';
import { stopEmbeddedTestServer } from './test-database.ts';
import { databaseMode, externalRedisUrl, storeMode } from './test-env.ts';

export function mochaGlobalSetup(): void {
  process.stdout.write(`  test mode: database=${databaseMode}, sessions=${storeMode}\n`);
}

async function dropRunRedisKeys(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${runRedisPrefix}*`, 'COUNT', 500);
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
  if (externalRedisUrl) await dropRunRedisKeys(externalRedisUrl);
}
