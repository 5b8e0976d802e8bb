/**
 * `npm run bench [-- webhook-ingest] [--seconds N]`: load benchmarks against the real
 * PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; a fresh
 * database is made and dropped), each next to a bare Express baseline in the same process.
 * Prints one `bench <name>: <N> req/s p99 <M> ms ratio <N/baseline>` line per benchmark.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildRuntime } from '../src/runtime.ts';
import { createMigrator } from '../src/db/migrator.ts';
import { benchDatabase, rssMb } from './bench/bench-support.ts';
import { webhookIngestBench } from './bench/webhook-ingest-bench.ts';

const BENCHES = ['webhook-ingest'] as const;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '20' } } });
  const selected = positionals.length > 0 ? positionals : [...BENCHES];
  const unknown = selected.filter((name) => !(BENCHES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.join(', ')}`);
  const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const logger = pino({ level: process.env.LOG_LEVEL || 'silent' });
  const options = { seconds: Number(values.seconds), connections: Number(values.connections) };

  for (const name of selected) {
    const db = await benchDatabase(adminUrl);
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', VAR_DIR: 'var/bench', DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: 'chronos-bench:', WHOP_SANDBOX: 'off', WHOP_API_KEY: 'bench' });
    const runtime = await buildRuntime(config, logger, { migrate: false, databaseUrl: db.url });
    try {
      await createMigrator(runtime.deps.sequelize, logger).up();
      process.stdout.write(`${name}: ${options.seconds}s per run, ${options.connections} connections, RSS ${rssMb()} MB before\n`);
      if (name === 'webhook-ingest') await webhookIngestBench(runtime, config, logger, options);
      process.stdout.write(`  RSS ${rssMb()} MB after\n`);
    } finally {
      await runtime.close();
      await db.drop();
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
