/** Shared pieces of the benchmarks: a database of their own, servers on free ports, autocannon runs, figures. */
import autocannon from 'autocannon';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Sequelize } from 'sequelize';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { listenHttp } from '../../src/http-server.ts';

export interface LoadResult {
  rps: number;
  p99: number;
  p50: number;
  p90: number;
  max: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** CPU time of this process (app and load generator together) per completed request, in microseconds. */
  cpuMicrosPerRequest: number;
}

export async function listen(app: Express): Promise<{ url: string; server: Server }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Chronos's side: the app served as src/server.ts serves it (src/http-server.ts), on a free port. */
export async function listenHttpOnFreePort(app: Express): Promise<{ url: string; server: Server }> {
  const server = await listenHttp(app, 0, '127.0.0.1');
  server.keepAliveTimeout = 65_000;
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function load(options: autocannon.Options): Promise<LoadResult> {
  const cpuBefore = process.cpuUsage();
  const result = await autocannon(options);
  const cpu = process.cpuUsage(cpuBefore);
  const ok = result['2xx'];
  const cpuMicrosPerRequest = Math.round((cpu.user + cpu.system) / Math.max(1, result.requests.total));
  return { rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50, p90: result.latency.p90, max: result.latency.max, total: result.requests.total, ok, non2xx: result.non2xx, errors: result.errors, cpuMicrosPerRequest };
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

export function line(name: string, measured: LoadResult, baseline: LoadResult): string {
  return `bench ${name}: ${Math.round(measured.rps)} req/s p99 ${measured.p99} ms ratio ${(measured.rps / baseline.rps).toFixed(2)}`;
}

export function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
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
