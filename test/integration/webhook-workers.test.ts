import { expect } from 'chai';
import { pino } from 'pino';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { runRedisPrefix, testDatabase } from '../support/test-runtime.ts';
import { buildRuntime, type Runtime } from '../../src/runtime.ts';
import { deliver, delivery, envelope, paymentData } from '../support/webhook-deliveries.ts';

describe('two webhook workers over one inbox', function () {
  this.timeout(120_000);
  let t: ChronosWithSandbox;
  let second: Runtime;

  before(async () => {
    t = await startChronosWithSandbox({ env: { REDIS_PREFIX: `${runRedisPrefix}workers:` } });
    const db = await testDatabase();
    // A second process's worth of dependencies: its own connection pool to the same database.
    second = await buildRuntime(t.config, pino({ level: 'silent' }), { migrate: false, databaseUrl: db.url });
    await cleanTables(t.runtime.deps.sequelize);
  });
  after(async () => {
    await second.close();
    await t.close();
  });

  it('process 1,000 accepted events, each exactly once', async () => {
    const secret = t.config.whop.webhookSecrets[0]!;
    const deliveries = Array.from({ length: 1000 }, (_, i) =>
      delivery(
        envelope(
          'payment.succeeded',
          'biz_creator1',
          paymentData({ user: `user_buyer${i}`, company: 'biz_creator1', product: 'prod_course1', total: '1.00' }),
        ),
      ),
    );
    for (let i = 0; i < deliveries.length; i += 25) {
      const statuses = await Promise.all(deliveries.slice(i, i + 25).map((d) => deliver(t.appUrl, secret, d)));
      expect(statuses.every((s) => s === 200)).to.equal(true);
    }
    const drain = async (runtime: Runtime) => {
      let processed = 0;
      for (;;) {
        const r = await runtime.deps.services.webhooks.runOnce(20);
        processed += r.processed;
        if (r.processed + r.failed + r.dead + r.lost === 0) return processed;
      }
    };
    const [a, b] = await Promise.all([drain(t.runtime), drain(second)]);
    expect(a + b).to.equal(1000);
    const { sequelize } = t.runtime.deps;
    const [counts] = await sequelize.query(
      'SELECT status, attempts, count(*)::int AS n FROM webhook_events GROUP BY status, attempts',
    );
    expect(counts).to.deep.equal([{ status: 'processed', attempts: 1, n: 1000 }]);
    expect(a, 'the first worker took a share').to.be.greaterThan(0);
    expect(b, 'the second worker took a share').to.be.greaterThan(0);
    expect(await t.runtime.deps.models.Payment.count()).to.equal(1000);
  });
});
