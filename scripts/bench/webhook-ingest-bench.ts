/**
 * `webhook-ingest`: signed, unique Whop events POSTed to the real receiver (verification +
 * durable insert into PostgreSQL) next to the two baselines answering the same requests (bare
 * Express; the stack floor's Redis read, row and template). Each server and each load generator
 * runs in a process of its own; the deliveries are signed in the load generator's. Then, with
 * Chronos stopped, the time for the worker's loops (`WEBHOOK_WORKER_LOOPS`, batches of
 * `WEBHOOK_BATCH`) run in the bench process, as the worker process runs them, to drain every stored event, and a check that each accepted event was processed
 * exactly once.
 */
import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime, type Runtime } from '../../src/runtime.ts';
import { WEBHOOK_BATCH } from '../../src/jobs/background-jobs.ts';
import { freePort } from '../../test/support/free-port.ts';
import { deleteRedisKeys, type BenchEnv } from './bench-support.ts';
import { CREATORS } from './signed-webhook-request.ts';
import { startBareExpress } from './bare-express.ts';
import { seedFloorRow, startStackFloor } from './stack-floor.ts';
import { startChronos } from './chronos-server.ts';
import type { LoadSpec } from './load-generator.ts';
import { failOn, measureSide, printBench, problems, type RunOptions } from './measure-side.ts';

async function seedCreators(runtime: Runtime): Promise<void> {
  const { User, Creator } = runtime.deps.models;
  for (let i = 0; i < CREATORS; i += 1) {
    const owner = await User.create({
      whopUserId: `user_benchowner${i}`,
      username: `owner${i}`,
      name: null,
      email: null,
      avatarUrl: null,
      lastLoginAt: null,
    });
    await Creator.create({
      whopCompanyId: `biz_bench${i}`,
      companyName: `Bench ${i}`,
      ownerUserId: owner.id,
      tier: 'enterprise',
      tierSourceMembershipId: null,
      tierUpdatedAt: new Date(),
      gracePeriodEndsAt: null,
    });
  }
}

/** The worker's loops until nothing is left; the events per second. */
async function drain(runtime: Runtime, rows: number): Promise<void> {
  const started = Date.now();
  const loops = runtime.deps.config.worker.webhookLoops;
  const workers = Array.from({ length: loops }, async () => {
    for (;;) {
      const r = await runtime.deps.services.webhooks.runOnce(WEBHOOK_BATCH);
      if (process.env.BENCH_DEBUG) process.stderr.write(`${JSON.stringify(r)} `);
      if (r.processed + r.failed + r.dead + r.lost === 0) return;
    }
  });
  await Promise.all(workers);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `bench webhook-drain: ${rows} events in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} events/s (${loops} worker loops)\n`,
  );
}

export async function webhookIngestBench(base: BenchEnv, logger: Logger, options: RunOptions): Promise<void> {
  const env = { ...base, PORT: String(await freePort()), WHOP_API_KEY: 'bench' };
  const runtime = await buildRuntime(loadConfig(env), logger, { migrate: true });
  try {
    await seedCreators(runtime);
    const floorSettings = {
      name: 'webhook-ingest' as const,
      databaseUrl: base.DATABASE_URL,
      poolMax: runtime.deps.config.databasePoolMax,
      redisUrl: base.REDIS_URL,
      redisKey: `${base.REDIS_PREFIX}floor`,
      userId: await seedFloorRow(runtime.deps.models),
    };
    const deliveries =
      (secret: string) =>
      (url: string): LoadSpec => ({ kind: 'webhook', url: `${url}/api/whop/webhook`, secret });
    // The baselines get the same signed requests; they do not check the signature.
    const otherSecret = randomBytes(24).toString('base64');

    const bare = await measureSide(() => startBareExpress('webhook-ingest'), deliveries(otherSecret), options);
    const floor = await measureSide(() => startStackFloor(floorSettings), deliveries(otherSecret), options);
    const chronos = await measureSide(
      () => startChronos(env),
      deliveries(runtime.deps.config.whop.webhookSecrets[0]!),
      options,
    );
    printBench('webhook-ingest', { bare, floor, chronos });
    failOn(problems({ bare, floor, chronos }));

    // Chronos has stopped (its last requests finished): every accepted event is stored by now.
    const [{ stored } = { stored: '0' }] = await runtime.deps.sequelize.query<{ stored: string }>(
      'SELECT count(*) AS stored FROM webhook_events',
      { type: QueryTypes.SELECT },
    );
    const rows = Number(stored);
    await drain(runtime, rows);
    const [check] = await runtime.deps.sequelize.query<{ done: string; once: string; students: string }>(
      `SELECT count(*) FILTER (WHERE status = 'processed') AS done, count(*) FILTER (WHERE status = 'processed' AND attempts = 1) AS once,
              (SELECT count(*) FROM students) AS students FROM webhook_events`,
      { type: QueryTypes.SELECT },
    );
    // Requests still in flight when a run's time was up were stored but their answers not counted: stored >= accepted.
    const accepted = chronos.warm.ok + chronos.measured.ok;
    const exact =
      Number(check?.done) === rows &&
      Number(check?.once) === rows &&
      Number(check?.students) === rows &&
      rows >= accepted;
    process.stdout.write(
      `  check: accepted ${accepted} (warm-up ${chronos.warm.ok}, measured ${chronos.measured.ok}), stored ${rows}, processed ${check?.done}, processed on first attempt ${check?.once}, students created ${check?.students}: ${exact ? 'every accepted event processed exactly once' : 'MISMATCH'}\n`,
    );
    failOn(exact ? [] : ['webhook events were lost or processed more than once']);
  } finally {
    await deleteRedisKeys(runtime.deps.redis, base.REDIS_PREFIX);
    await runtime.close();
  }
}
