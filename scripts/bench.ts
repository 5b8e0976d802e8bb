/**
 * `npm run bench [-- webhook-ingest|dashboard] [--seconds N] [--connections N]`: load benchmarks
 * (10 connections by default, autocannon's own default) against the real
 * PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; a fresh
 * database is made and dropped), each next to a bare Express baseline (run in a process of its own).
 * Prints one `bench <name>: <N> req/s p99 <M> ms ratio <N/baseline>` line per benchmark.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildRuntime } from '../src/runtime.ts';
import { createMigrator } from '../src/db/migrator.ts';
import { benchDatabase, deleteRedisKeys, rssMb } from './bench/bench-support.ts';
import { webhookIngestBench } from './bench/webhook-ingest-bench.ts';
import { dashboardBench } from './bench/dashboard-bench.ts';
import { startTestSandbox } from '../test/support/sandbox-fixture.ts';
import { startCountingProxy } from '../test/support/counting-proxy.ts';
import { freePort } from '../test/support/free-port.ts';
import { createApp } from '../src/app.ts';
import { listenHttp } from '../src/http-server.ts';

const BENCHES = ['webhook-ingest', 'dashboard'] as const;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } } });
  const selected = positionals.length > 0 ? positionals : [...BENCHES];
  const unknown = selected.filter((name) => !(BENCHES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.join(', ')}`);
  const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const logger = pino({ level: process.env.LOG_LEVEL || 'silent' });
  const options = { seconds: Number(values.seconds), connections: Number(values.connections) };

  for (const name of selected) {
    const db = await benchDatabase(adminUrl);
    const base = { NODE_ENV: 'test', LOG_LEVEL: 'silent', VAR_DIR: 'var/bench', DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379', REDIS_PREFIX: `chronos-bench-${Date.now()}:`, WHOP_SANDBOX: 'off' };
    process.stdout.write(`${name}: ${options.seconds}s per run, ${options.connections} connections, RSS ${rssMb()} MB before\n`);
    if (name === 'webhook-ingest') {
      const config = loadConfig({ ...base, WHOP_API_KEY: 'bench' });
      const runtime = await buildRuntime(config, logger, { migrate: false, databaseUrl: db.url });
      try {
        await createMigrator(runtime.deps.sequelize, logger).up();
        await webhookIngestBench(runtime, config, logger, options);
      } finally {
        await deleteRedisKeys(runtime.deps.redis, base.REDIS_PREFIX);
        await runtime.close();
        await db.drop();
      }
    } else {
      // The app needs its port before the sandbox (redirect URI), and the sandbox before the app's config.
      const appUrl = `http://localhost:${await freePort()}`;
      const sandbox = await startTestSandbox({ app: { redirectUri: `${appUrl}/api/whop/auth/callback`, webhookUrl: `${appUrl}/api/whop/webhook` } });
      const calls = await startCountingProxy(sandbox.url);
      const a = sandbox.options.app;
      const config = loadConfig({ ...base, APP_URL: appUrl, PORT: new URL(appUrl).port, WHOP_OAUTH_ISSUER: sandbox.url, WHOP_API_BASE: `${calls.url}/api/v1`, WHOP_API_KEY: a.apiKey, WHOP_CLIENT_ID: a.clientId, WHOP_CLIENT_SECRET: a.clientSecret, WHOP_COMPANY_ID: a.companyId, WHOP_WEBHOOK_SECRET: a.webhookSecret, API_RATE_LIMIT_PER_MINUTE: '1000000' });
      const runtime = await buildRuntime(config, logger, { migrate: false, databaseUrl: db.url });
      await createMigrator(runtime.deps.sequelize, logger).up();
      const server = await listenHttp(createApp(runtime.deps), Number(new URL(appUrl).port));
      server.keepAliveTimeout = 65_000;
      try {
        await dashboardBench(logger, { sandboxUrl: sandbox.url, calls }, { url: appUrl }, options);
      } finally {
        server.closeAllConnections();
        server.close();
        await deleteRedisKeys(runtime.deps.redis, base.REDIS_PREFIX);
        await runtime.close();
        await calls.close();
        await sandbox.close();
        await db.drop();
      }
    }
    process.stdout.write(`  RSS ${rssMb()} MB after\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
