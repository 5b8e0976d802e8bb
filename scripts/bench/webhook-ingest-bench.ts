/**
 * `webhook-ingest`: signed, unique Whop events POSTed to the real receiver (verification +
 * durable insert into PostgreSQL) next to a bare Express baseline that accepts the same
 * requests (in a process of its own, bare-express.ts); then the time for the worker to drain them, and a check that
 * every accepted event was processed exactly once.
 */
import { QueryTypes } from 'sequelize';
import type { Logger } from 'pino';
import type { Config } from '../../src/config.ts';
import type { Runtime } from '../../src/runtime.ts';
import { createApp } from '../../src/app.ts';
import { CREATORS, signedWebhookRequest } from './signed-webhook-request.ts';
import { runBaseline } from './bare-express.ts';
import { close, line, listenHttpOnFreePort, load } from './bench-support.ts';

async function seedCreators(runtime: Runtime): Promise<void> {
  const { User, Creator } = runtime.deps.models;
  for (let i = 0; i < CREATORS; i += 1) {
    const owner = await User.create({ whopUserId: `user_benchowner${i}`, username: `owner${i}`, name: null, email: null, avatarUrl: null, lastLoginAt: null });
    await Creator.create({ whopCompanyId: `biz_bench${i}`, companyName: `Bench ${i}`, ownerUserId: owner.id, tier: 'enterprise', tierSourceMembershipId: null, tierUpdatedAt: new Date(), gracePeriodEndsAt: null });
  }
}

export async function webhookIngestBench(runtime: Runtime, config: Readonly<Config>, logger: Logger, options: { seconds: number; connections: number }): Promise<void> {
  const secret = config.whop.webhookSecrets[0]!;
  await seedCreators(runtime);

  const base = await runBaseline('webhook-ingest', options);
  const chronos = await listenHttpOnFreePort(createApp(runtime.deps));
  const measured = await load({ url: `${chronos.url}/api/whop/webhook`, connections: options.connections, duration: options.seconds, requests: [{ setupRequest: signedWebhookRequest(secret, { n: 0 }) as never }] });
  await close(chronos.server);
  logger.info({ base, measured }, 'webhook ingest load');

  const [{ accepted } = { accepted: 0 }] = await runtime.deps.sequelize.query<{ accepted: string }>('SELECT count(*) AS accepted FROM webhook_events', { type: QueryTypes.SELECT });
  process.stdout.write(`${line('webhook-ingest', measured, base)}\n`);
  process.stdout.write(`  baseline (bare Express): ${Math.round(base.rps)} req/s p99 ${base.p99} ms; chronos: ${measured.ok} accepted (2xx), ${measured.non2xx} non-2xx, ${measured.errors} errors; rows ${accepted}\n`);

  const started = Date.now();
  const workers = Array.from({ length: 4 }, async () => {
    for (;;) {
      const r = await runtime.deps.services.webhooks.runOnce(100);
      if (process.env.BENCH_DEBUG) process.stderr.write(`${JSON.stringify(r)} `);
      if (r.processed + r.failed + r.dead + r.lost === 0) return;
    }
  });
  await Promise.all(workers);
  const seconds = (Date.now() - started) / 1000;
  const [check] = await runtime.deps.sequelize.query<{ done: string; once: string; students: string; rows: string }>(
    `SELECT count(*) FILTER (WHERE status = 'processed') AS done, count(*) FILTER (WHERE status = 'processed' AND attempts = 1) AS once,
            (SELECT count(*) FROM students) AS students, count(*) AS rows FROM webhook_events`,
    { type: QueryTypes.SELECT },
  );
  const rows = Number(check?.rows ?? 0);
  process.stdout.write(`bench webhook-drain: ${rows} events in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} events/s (4 worker loops)\n`);
  // Requests still in flight when a run's time is up were stored but their answers not counted: stored >= accepted.
  const exact = Number(check?.done) === rows && Number(check?.once) === rows && Number(check?.students) === rows && rows >= measured.ok;
  process.stdout.write(`  check: accepted ${measured.ok}, stored ${rows}, processed ${check?.done}, processed on first attempt ${check?.once}, students created ${check?.students}: ${exact ? 'every accepted event processed exactly once' : 'MISMATCH'}\n`);
  if (!exact) process.exitCode = 1;
}
