/**
 * `npm run bench [-- webhook-ingest|dashboard|upload] [--seconds N] [--connections N] [--upload-mb N] [--range-video-mb N]`: load benchmarks
 * (10 s runs, 10 connections by default, autocannon's own default) against the real PostgreSQL
 * (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; a fresh database is made
 * and dropped) and Redis (REDIS_URL, default redis://127.0.0.1:6379).
 *
 * Each benchmark measures three servers in the same run: a bare Express app, the stack floor
 * (one Redis read, one row from PostgreSQL, one small EJS template) and Chronos. Each server runs
 * in a process that only serves, and each is loaded by autocannon from a process of its own
 * (scripts/bench/load-generator.ts), after a warm-up run as long as the measured one. This
 * process only orchestrates (and hosts the idle Whop sandbox for the dashboard). Prints the
 * baselines' figures, then `bench <name>: <N> req/s p99 <M> ms ratio <N/bare> floor <N/floor>`.
 * Fails on non-2xx answers or errors, on Whop calls during the dashboard's runs, and when a
 * webhook event is not processed exactly once.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { benchDatabase, type BenchEnv } from './bench/bench-support.ts';
import { webhookIngestBench } from './bench/webhook-ingest-bench.ts';
import { dashboardBench } from './bench/dashboard-bench.ts';
import { uploadBench } from './bench/upload-bench.ts';
import { mediaRangeBench } from './bench/media-range-bench.ts';

const BENCHES = ['webhook-ingest', 'dashboard', 'media-range', 'upload'] as const;

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number of at least 1, not ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      'upload-mb': { type: 'string', default: '1024' },
      'range-video-mb': { type: 'string', default: '200' },
    },
  });
  const selected = positionals.length > 0 ? positionals : [...BENCHES];
  const unknown = selected.filter((name) => !(BENCHES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.join(', ')}`);
  const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const logger = pino({ level: process.env.LOG_LEVEL || 'silent' });
  const options = {
    seconds: positive('seconds', values.seconds),
    connections: positive('connections', values.connections),
  };

  for (const name of selected) {
    const db = await benchDatabase(adminUrl);
    const base: BenchEnv = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      VAR_DIR: 'var/bench',
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `chronos-bench-${Date.now()}:`,
      WHOP_SANDBOX: 'off',
      // The drain runs as many loops as the worker would with this environment.
      ...(process.env.WEBHOOK_WORKER_LOOPS ? { WEBHOOK_WORKER_LOOPS: process.env.WEBHOOK_WORKER_LOOPS } : {}),
    };
    if (name !== 'upload')
      process.stdout.write(
        `${name}: ${options.seconds} s measured after a warm-up as long, ${options.connections} connections; every server and every load generator in a process of its own\n`,
      );
    try {
      if (name === 'webhook-ingest') await webhookIngestBench(base, logger, options);
      else if (name === 'dashboard') await dashboardBench(base, logger, options);
      else if (name === 'media-range')
        await mediaRangeBench(base, logger, {
          ...options,
          videoMb: positive('range-video-mb', values['range-video-mb']),
        });
      else await uploadBench(base, logger, { uploadMb: positive('upload-mb', values['upload-mb']) });
    } finally {
      await db.drop();
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
