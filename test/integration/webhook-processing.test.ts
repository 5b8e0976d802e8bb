import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { installSettled } from '../support/onboarding.ts';
import { cleanTables, withTableAway } from '../support/table-cleaner.ts';
import { runRedisPrefix } from '../support/test-runtime.ts';
import {
  INTERRUPTED,
  RECONCILIATION_LOCK,
  RUNNING_TTL_MS,
} from '../../src/services/reconciliation/reconciliation-service.ts';
import { deliver, delivery, envelope, membershipData, paymentData } from '../support/webhook-deliveries.ts';
import { until } from '../support/wait.ts';

const CHRONOS = 'biz_chronos';

describe('webhook processing (exactly once in effect)', () => {
  let t: ChronosWithSandbox;
  let secret: string;
  let endReconcileWait = () => {};

  before(async () => {
    t = await startChronosWithSandbox({
      env: { REDIS_PREFIX: `${runRedisPrefix}webhooks:`, WEBHOOK_MAX_ATTEMPTS: '3' },
      // "Reconcile now" waits until the test ends the wait (endReconcileWait), not for 10 s to pass.
      services: {
        webhookBackoffMs: () => 0,
        reconcileWait: () => new Promise<void>((resolve) => (endReconcileWait = resolve)),
      },
    });
    secret = t.config.whop.webhookSecrets[0]!;
  });
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
  });
  after(() => t.close());

  /**
   * A creator for biz_creator1 run by user_creator_free, on `tier` (the app installed there, as
   * onboarding requires; the installation's own webhook already processed and forgotten).
   */
  async function creator(tier: 'free' | 'basic' | 'pro' = 'free') {
    await installSettled(t, 'biz_creator1', 'user_creator_free');
    const { User, Creator } = t.runtime.deps.models;
    const owner = await User.create({
      whopUserId: 'user_creator_free',
      username: 'creator_free',
      name: 'Fran Free',
      email: 'fran@example.test',
      avatarUrl: null,
      lastLoginAt: null,
    });
    return Creator.create({
      whopCompanyId: 'biz_creator1',
      companyName: 'Creator One',
      ownerUserId: owner.id,
      tier,
      tierSourceMembershipId: null,
      tierUpdatedAt: new Date(),
      gracePeriodEndsAt: null,
    });
  }

  async function mailbox(): Promise<{ to: string; subject: string }[]> {
    return (
      (await (await fetch(`${t.sandbox.url}/sandbox/api/mailbox`)).json()) as {
        data: { to: string; subject: string }[];
      }
    ).data;
  }

  const statusOf = async (id: string) => (await t.runtime.deps.models.WebhookEvent.findByPk(id))?.status;

  it('applies the same event delivered 20 times concurrently once: one row, one student, one email', async () => {
    await creator();
    const d = delivery(
      envelope(
        'membership.activated',
        'biz_creator1',
        membershipData({ user: 'user_student1', company: 'biz_creator1', product: 'prod_course1' }),
      ),
    );
    const statuses = await Promise.all(Array.from({ length: 20 }, () => deliver(t.appUrl, secret, d)));
    expect(statuses).to.deep.equal(Array(20).fill(200));
    expect(await t.runtime.deps.models.WebhookEvent.count()).to.equal(1);
    await t.drain();
    await Promise.all(Array.from({ length: 5 }, () => deliver(t.appUrl, secret, d)));
    await t.drain();
    expect(await statusOf(d.webhookId)).to.equal('processed');
    const { Student, EmailOutbox } = t.runtime.deps.models;
    expect(await Student.count({ where: { whopUserId: 'user_student1', status: 'active' } })).to.equal(1);
    expect(await EmailOutbox.count()).to.equal(1);
    const mails = await mailbox();
    expect(mails.filter((m) => m.to === 'user_student1@example.test')).to.have.length(1);
  });

  it('answers 503 while the database cannot store the event, then processes the retried delivery exactly once', async () => {
    await creator();
    const d = delivery(
      envelope(
        'membership.activated',
        'biz_creator1',
        membershipData({ user: 'user_student1', company: 'biz_creator1', product: 'prod_course1' }),
      ),
    );
    await withTableAway(t.runtime.deps.sequelize, 'webhook_events', async () => {
      expect(await deliver(t.appUrl, secret, d)).to.equal(503);
    });
    expect(await t.runtime.deps.models.WebhookEvent.count()).to.equal(0);
    expect(await deliver(t.appUrl, secret, d)).to.equal(200);
    expect(await t.drain()).to.equal(1);
    expect(await deliver(t.appUrl, secret, d)).to.equal(200);
    expect(await t.drain()).to.equal(0);
    expect(await t.runtime.deps.models.Student.count({ where: { whopUserId: 'user_student1' } })).to.equal(1);
    expect(await t.runtime.deps.models.EmailOutbox.count()).to.equal(1);
  });

  it('never lets an older change win: activated arriving after a newer deactivated is recorded and skipped', async () => {
    await creator();
    const base = membershipData({
      user: 'user_student2',
      company: 'biz_creator1',
      product: 'prod_course1',
      updatedAt: new Date(Date.now() - 10_000),
    });
    const newer = { ...base, status: 'canceled', updated_at: new Date().toISOString() };
    const late = delivery(envelope('membership.activated', 'biz_creator1', base));
    await deliver(t.appUrl, secret, delivery(envelope('membership.deactivated', 'biz_creator1', newer)));
    await t.drain();
    await deliver(t.appUrl, secret, late);
    await t.drain();
    const student = await t.runtime.deps.models.Student.findOne({ where: { whopUserId: 'user_student2' } });
    expect(student?.status).to.equal('inactive');
    expect(student?.membershipStatus).to.equal('canceled');
    const event = await t.runtime.deps.models.WebhookEvent.findByPk(late.webhookId);
    expect(event?.status).to.equal('skipped');
    expect(event?.outcome).to.contain('older than what is stored');
  });

  it('upgrades a creator when a Chronos plan activates, downgrades on deactivation, with no call to Whop', async () => {
    const c = await creator('free');
    const plan = membershipData({ user: 'user_creator_free', company: CHRONOS, product: 'prod_pro' });
    t.whopCalls.reset();
    await deliver(t.appUrl, secret, delivery(envelope('membership.activated', CHRONOS, plan)));
    await t.drain();
    expect((await c.reload()).tier).to.equal('pro');
    await deliver(
      t.appUrl,
      secret,
      delivery(
        envelope('membership.deactivated', CHRONOS, {
          ...plan,
          status: 'expired',
          updated_at: new Date(Date.now() + 1000).toISOString(),
        }),
      ),
    );
    await t.drain();
    expect((await c.reload()).tier).to.equal('free');
    expect(t.whopCalls.requests).to.deep.equal([]);
  });

  it('maps legacy and seed event names (went_valid, membership.created / deleted) to the same handlers', async () => {
    await creator();
    const m = membershipData({ user: 'user_student1', company: 'biz_creator1', product: 'prod_course1' });
    await deliver(t.appUrl, secret, delivery(envelope('membership.went_valid', 'biz_creator1', m)));
    await t.drain();
    const { Student } = t.runtime.deps.models;
    expect((await Student.findOne({ where: { whopUserId: 'user_student1' } }))?.status).to.equal('active');
    await deliver(
      t.appUrl,
      secret,
      delivery(
        envelope('membership.deleted', 'biz_creator1', {
          ...m,
          status: 'canceled',
          updated_at: new Date(Date.now() + 1000).toISOString(),
        }),
      ),
    );
    await t.drain();
    expect((await Student.findOne({ where: { whopUserId: 'user_student1' } }))?.status).to.equal('archived');
  });

  it('stores unknown types and events of companies nobody onboarded as ignored', async () => {
    const unknown = delivery(envelope('invoice.created', 'biz_creator1', { id: 'inv_1' }));
    const stranger = delivery(
      envelope(
        'membership.activated',
        'biz_creator2',
        membershipData({ user: 'user_student1', company: 'biz_creator2', product: 'prod_course2' }),
      ),
    );
    expect(await deliver(t.appUrl, secret, unknown)).to.equal(200);
    expect(await deliver(t.appUrl, secret, stranger)).to.equal(200);
    await t.drain();
    expect(await statusOf(unknown.webhookId)).to.equal('ignored');
    expect(await statusOf(stranger.webhookId)).to.equal('ignored');
    expect(await t.runtime.deps.models.Student.count()).to.equal(0);
  });

  it('records payments once in minor units, with a receipt, and counts them as revenue', async () => {
    const c = await creator('basic');
    const pay = paymentData({
      user: 'user_student1',
      company: 'biz_creator1',
      product: 'prod_course1',
      total: '29.99',
    });
    for (const type of ['payment.created', 'payment.succeeded', 'payment.succeeded'])
      await deliver(t.appUrl, secret, delivery(envelope(type, 'biz_creator1', pay)));
    // A late payment.pending must not move it back.
    await deliver(t.appUrl, secret, delivery(envelope('payment.pending', 'biz_creator1', pay)));
    await t.drain();
    const rows = await t.runtime.deps.models.Payment.findAll();
    expect(rows).to.have.length(1);
    expect(rows[0]).to.deep.include({
      whopPaymentId: pay.id,
      amountMinor: 2999,
      currency: 'usd',
      status: 'succeeded',
      creatorId: c.id,
    });
    expect(rows[0]?.paidAt).to.be.instanceOf(Date);
    expect((await mailbox()).filter((m) => /receipt/i.test(m.subject) || m.subject.includes('29.99'))).to.have.length(
      1,
    );
    const revenue = await t.runtime.deps.services.operations.revenue30d();
    expect(revenue).to.deep.equal([{ tier: 'basic', currency: 'usd', plan: '0.00', students: '29.99' }]);
  });

  it('sums revenue per currency exactly: a tiny btc sale is not rounded away, nor added to usd', async () => {
    await creator('basic');
    for (const [total, currency] of [
      ['0.00012345', 'btc'],
      ['29.99', 'usd'],
    ] as const) {
      await deliver(
        t.appUrl,
        secret,
        delivery(
          envelope(
            'payment.succeeded',
            'biz_creator1',
            paymentData({ user: 'user_student1', company: 'biz_creator1', product: 'prod_course1', total, currency }),
          ),
        ),
      );
    }
    await t.drain();
    const revenue = await t.runtime.deps.services.operations.revenue30d();
    expect(revenue.map(({ currency, students }) => ({ currency, students }))).to.deep.equal([
      { currency: 'btc', students: '0.00012345' },
      { currency: 'usd', students: '29.99' },
    ]);
  });

  it('counts Chronos plan payments as plan revenue of their tier', async () => {
    await creator('pro');
    await deliver(
      t.appUrl,
      secret,
      delivery(
        envelope(
          'payment.succeeded',
          CHRONOS,
          paymentData({ user: 'user_creator_free', company: CHRONOS, product: 'prod_pro', total: '49.00' }),
        ),
      ),
    );
    await t.drain();
    expect(await t.runtime.deps.services.operations.revenue30d()).to.deep.equal([
      { tier: 'pro', currency: 'usd', plan: '49.00', students: '0.00' },
    ]);
  });

  it('retries a failing event with backoff, then processes it once the cause is gone', async () => {
    await creator();
    const d = delivery(
      envelope(
        'membership.activated',
        'biz_creator1',
        membershipData({ user: 'user_student1', company: 'biz_creator1', product: 'prod_course1' }),
      ),
    );
    await withTableAway(t.runtime.deps.sequelize, 'students', async () => {
      await deliver(t.appUrl, secret, d);
      const first = await t.runtime.deps.services.webhooks.runOnce();
      expect(first.failed).to.equal(1);
      const event = await t.runtime.deps.models.WebhookEvent.findByPk(d.webhookId);
      expect(event).to.deep.include({ status: 'pending', attempts: 1 });
      expect(event?.lastError).to.match(/students/);
    });
    await t.drain();
    expect(await statusOf(d.webhookId)).to.equal('processed');
    expect(await t.runtime.deps.models.Student.count()).to.equal(1);
  });

  it('marks an event dead after its last attempt, keeping the error; an admin replay processes it', async () => {
    await creator();
    const d = delivery(
      envelope(
        'membership.activated',
        'biz_creator1',
        membershipData({ user: 'user_student1', company: 'biz_creator1', product: 'prod_course1' }),
      ),
    );
    await withTableAway(t.runtime.deps.sequelize, 'students', async () => {
      await deliver(t.appUrl, secret, d);
      for (let i = 0; i < 3; i += 1) await t.runtime.deps.services.webhooks.runOnce();
      const event = await t.runtime.deps.models.WebhookEvent.findByPk(d.webhookId);
      expect(event?.status).to.equal('dead');
      expect(event?.attempts).to.equal(3);
      expect(event?.lastError).to.match(/students/);
    });
    const admin = await t.signIn('user_admin');
    const page = await admin.get(`${t.appUrl}/admin/webhooks`);
    expect(page.text).to.contain(d.webhookId);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const replay = await admin.post(`${t.appUrl}/admin/webhooks/${d.webhookId}/replay`, { _csrf: csrf });
    expect(replay.status).to.equal(303);
    expect((await admin.get(`${t.appUrl}/admin/webhooks`)).text).to.contain('replay requested');
    await t.drain();
    expect(await statusOf(d.webhookId)).to.equal('processed');
    expect((await admin.get(`${t.appUrl}/admin/webhooks`)).text).to.match(
      /student user_student1 of creator \d+: new → active/,
    );
    expect(await t.runtime.deps.models.Student.count()).to.equal(1);
  });

  it('marks data that is not a membership dead at once (no retry can help)', async () => {
    await creator();
    const d = delivery(envelope('membership.activated', 'biz_creator1', { id: 'not-a-membership' }));
    await deliver(t.appUrl, secret, d);
    await t.runtime.deps.services.webhooks.runOnce();
    const event = await t.runtime.deps.models.WebhookEvent.findByPk(d.webhookId);
    expect(event?.status).to.equal('dead');
    expect(event?.attempts).to.equal(1);
    expect(event?.lastError).to.contain('data is not a membership');
  });

  it('picks up an event whose worker died mid-claim once the lease lapses, and a late finish of the dead worker changes nothing', async () => {
    await creator();
    const d = delivery(
      envelope(
        'membership.activated',
        'biz_creator1',
        membershipData({ user: 'user_student1', company: 'biz_creator1', product: 'prod_course1' }),
      ),
    );
    await deliver(t.appUrl, secret, d);
    const { sequelize } = t.runtime.deps;
    // A worker claimed it and was killed: the claim stays, its lease runs out.
    await sequelize.query(
      "UPDATE webhook_events SET status = 'processing', attempts = 1, claim_token = gen_random_uuid(), locked_until = now() + interval '1 hour' WHERE id = :id",
      { replacements: { id: d.webhookId } },
    );
    expect((await t.runtime.deps.services.webhooks.runOnce()).processed).to.equal(0);
    await sequelize.query("UPDATE webhook_events SET locked_until = now() - interval '1 second' WHERE id = :id", {
      replacements: { id: d.webhookId },
    });
    expect((await t.runtime.deps.services.webhooks.runOnce()).processed).to.equal(1);
    const event = await t.runtime.deps.models.WebhookEvent.findByPk(d.webhookId);
    expect(event).to.deep.include({ status: 'processed', attempts: 2 });
    expect(await t.runtime.deps.models.Student.count()).to.equal(1);
  });

  it('heals, through reconciliation, a membership changed in Whop whose webhook never arrived', async () => {
    const c = await creator();
    await t.runtime.deps.services.reconciliation.run('schedule');
    expect(await t.runtime.deps.models.Student.count({ where: { creatorId: c.id, status: 'active' } })).to.equal(2);
    const mem = (await t.control.memberships()).find(
      (m) => m.user.id === 'user_student1' && m.product.id === 'prod_course1',
    )!;
    await t.control.setStatus(mem.id, 'canceled');
    // The webhook was delivered; drop it as if Whop had given up.
    await t.runtime.deps.models.WebhookEvent.destroy({ where: {} });
    const run = await t.runtime.deps.services.reconciliation.run('admin');
    expect(run?.status).to.equal('succeeded');
    expect(run?.summary).to.deep.include({ studentsChanged: 1 });
    const student = await t.runtime.deps.models.Student.findOne({ where: { whopUserId: 'user_student1' } });
    expect(student?.status).to.equal('inactive');
  });

  it('answers "Reconcile now" with the results of a quick run, and says a slow one goes on in the background, where it finishes', async () => {
    await creator();
    const admin = await t.signIn('user_admin');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await admin.get(`${t.appUrl}/admin/webhooks`)).text)![1]!;
    expect((await admin.post(`${t.appUrl}/admin/reconciliation`, { _csrf: csrf })).status).to.equal(303);
    expect((await admin.get(`${t.appUrl}/admin/webhooks`)).text).to.match(
      /Reconciliation succeeded: \d+ students added/,
    );

    const { ReconciliationRun } = t.runtime.deps.models;
    const latest = async () => ReconciliationRun.findOne({ order: [['id', 'DESC']] });
    const quick = (await latest())!.id;
    const answerWhop = t.whopCalls.hold(); // a slow Whop: it answers when the test says so
    try {
      const answered = admin.post(`${t.appUrl}/admin/reconciliation`, { _csrf: csrf });
      await until(async () => ((await latest())?.id ?? 0) > quick, { what: 'the slow run recorded' });
      endReconcileWait(); // the request's wait is over, Whop still has not answered
      expect((await answered).status).to.equal(303);
      expect((await admin.get(`${t.appUrl}/admin/webhooks`)).text).to.contain('goes on in the background');
      expect((await latest())?.status, 'still going when the admin got the answer').to.equal('running');
    } finally {
      answerWhop();
    }
    await until(async () => (await latest())?.status !== 'running', { what: 'the background reconciliation to end' });
    expect((await latest())?.status).to.equal('succeeded');
  });

  it('lets a reconciliation whose process died block the next only while its lock lives, then closes its record as interrupted', async () => {
    await creator();
    const { ReconciliationRun } = t.runtime.deps.models;
    const { locks, reconciliation } = t.runtime.deps.services;
    // A scheduled run whose process was killed: its record stays 'running'; an onboarding import runs meanwhile.
    const orphan = await ReconciliationRun.create({ trigger: 'schedule', finishedAt: null, error: null });
    const importing = await ReconciliationRun.create({ trigger: 'onboarding', finishedAt: null, error: null });
    const orphanLock = (await locks.acquire(RECONCILIATION_LOCK, { ttlMs: RUNNING_TTL_MS, waitMs: 0 }))!;
    expect(await reconciliation.run('admin'), 'while the lock lives, no second run starts').to.equal(null);
    expect((await orphan.reload()).status).to.equal('running');
    await orphanLock.release(); // frees it as its lapse would, RUNNING_TTL_MS after the last renewal (lapses: test/services/reconciliation/reconciliation-service.test.ts)
    const run = await reconciliation.run('admin');
    expect(run?.status).to.equal('succeeded');
    expect((await orphan.reload()).toJSON()).to.deep.include({ status: 'failed', error: INTERRUPTED });
    expect((await importing.reload()).status, 'an onboarding import is not flagged, so it is left alone').to.equal(
      'running',
    );
    const free = await locks.acquire(RECONCILIATION_LOCK, { waitMs: 0 });
    expect(free, 'the lock is free once the run ends').to.not.equal(null);
    await free!.release();
  });

  it('processes the sandbox’s own signed deliveries end to end', async () => {
    await creator();
    const user = await t.control.createUser('fresh_student');
    await t.control.createMembership(user, 'prod_course1');
    await until(async () => (await t.runtime.deps.models.WebhookEvent.count()) > 0, {
      what: 'the sandbox delivering the membership',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    await t.drain();
    const student = await t.runtime.deps.models.Student.findOne({ where: { whopUserId: user } });
    expect(student?.status).to.equal('active');
    expect(student?.username).to.equal('fresh_student');
  });
});
