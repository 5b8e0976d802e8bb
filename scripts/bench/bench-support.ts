/** Shared pieces of the benchmarks: figures, a database of their own, Redis clean-up. */
import { randomBytes } from 'node:crypto';
import { Sequelize } from 'sequelize';
import type { Redis } from 'ioredis';

/** One autocannon run, as the load generator's process saw it. */
export interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** CPU time of the load generator's process per request sent, in microseconds. */
  loadCpuMicrosPerRequest: number;
}

/** The environment Chronos's configuration is read from in a bench (the same for the bench's runtime and the Chronos process). */
export interface BenchEnv extends Record<string, string> {
  DATABASE_URL: string;
  REDIS_URL: string;
  /** Every Redis key of the run (Chronos's and the stack floor's) starts with it. */
  REDIS_PREFIX: string;
}

/** A fresh database on the server of `adminUrl`, dropped by the returned function. */
export async function benchDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `chronos_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Sequelize(adminUrl, { logging: false });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new Sequelize(adminUrl, { logging: false });
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.close();
    },
  };
}

/** Deletes the keys a benchmark wrote under its own prefix. */
export async function deleteRedisKeys(redis: Redis | undefined, prefix: string): Promise<void> {
  if (!redis) return;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
