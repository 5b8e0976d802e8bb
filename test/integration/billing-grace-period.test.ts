import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { runRedisPrefix } from '../support/test-runtime.ts';
import { deliver, delivery, envelope, membershipData, paymentData } from '../support/webhook-deliveries.ts';
import { nestedInvoice } from '../fixtures/whop/billing.ts';

const CHRONOS = 'biz_chronos';
const DAY = 86_400_000;

describe('grace period after a failed Chronos plan payment', () => {
  let t: ChronosWithSandbox;
  let secret: string;

  before(async () => {
    t = await startChronosWithSandbox({ env: { REDIS_PREFIX: `${runRedisPrefix}grace:`, GRACE_PERIOD_DAYS: '3' } });
    secret = t.config.whop.webhookSecrets[0]!;
  });
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
  });
  after(() => t.close());

  async function proCreator() {
    const { User, Creator } = t.runtime.deps.models;
    const owner = await User.create({
      whopUserId: 'user_creator_pro',
      username: 'creator_pro',
      name: 'Priya Pro',
      email: 'priya@example.test',
      avatarUrl: null,
      lastLoginAt: null,
    });
    const creator = await Creator.create({
      whopCompanyId: 'biz_creator2',
      companyName: 'Creator Two',
      ownerUserId: owner.id,
      tierSourceMembershipId: null,
      tierUpdatedAt: null,
      gracePeriodEndsAt: null,
    });
    const plan = membershipData({
      user: 'user_creator_pro',
      company: CHRONOS,
      product: 'prod_pro',
      updatedAt: new Date(Date.now() - 60_000),
    });
    await deliver(t.appUrl, secret, delivery(envelope('membership.activated', CHRONOS, plan)));
    await t.drain();
    expect((await creator.reload()).tier).to.equal('pro');
    return { creator, plan };
  }

  /** What Whop sends when a renewal fails: the membership goes past_due (deactivated), then payment.failed. */
  async function failRenewal(plan: ReturnType<typeof membershipData>) {
    await deliver(
      t.appUrl,
      secret,
      delivery(
        envelope('membership.deactivated', CHRONOS, {
          ...plan,
          status: 'past_due',
          updated_at: new Date(Date.now() - 30_000).toISOString(),
        }),
      ),
    );
    await deliver(
      t.appUrl,
      secret,
      delivery(
        envelope(
          'payment.failed',
          CHRONOS,
          paymentData({
            user: 'user_creator_pro',
            company: CHRONOS,
            product: 'prod_pro',
            total: '49.00',
            failureMessage: 'card declined',
          }),
        ),
      ),
    );
    await t.drain();
  }

  it('keeps the tier, marks the creator past due with the end date, shows a banner and sends one email', async () => {
    const { creator, plan } = await proCreator();
    await failRenewal(plan);
    await creator.reload();
    expect(creator.tier).to.equal('pro');
    expect(creator.billingStatus).to.equal('past_due');
    const endsIn = creator.gracePeriodEndsAt!.getTime() - Date.now();
    expect(endsIn).to.be.within(3 * DAY - 60_000, 3 * DAY + 1000);
    const mails = (
      (await (await fetch(`${t.sandbox.url}/sandbox/api/mailbox`)).json()) as {
        data: { to: string; subject: string }[];
      }
    ).data;
    expect(mails.filter((m) => m.to === 'priya@example.test')).to.have.length(1);
    const browser = await t.signIn('user_creator_pro');
    // Sign-in re-reads the plan from the sandbox (still active there); the grace period stays.
    const page = await browser.get(`${t.appUrl}/dashboard`);
    expect(page.text).to.contain('Your last payment for Chronos failed');
  });

  describe('one failed charge sends one email', () => {
    /** Every mail the sandbox's dev mailbox received (the sandbox is reset before each test). */
    async function mailbox(): Promise<{ to: string; subject: string }[]> {
      return (
        (await (await fetch(`${t.sandbox.url}/sandbox/api/mailbox`)).json()) as {
          data: { to: string; subject: string }[];
        }
      ).data;
    }

    const orders: Record<string, ('payment' | 'invoice')[]> = {
      'payment.failed then invoice.past_due': ['payment', 'invoice'],
      'invoice.past_due then payment.failed': ['invoice', 'payment'],
      'each of them twice (Whop redelivering under new ids)': ['payment', 'invoice', 'payment', 'invoice'],
    };
    for (const [name, order] of Object.entries(orders)) {
      it(name, async () => {
        await proCreator();
        const payment = paymentData({
          user: 'user_creator_pro',
          company: CHRONOS,
          product: 'prod_pro',
          total: '49.00',
          failureMessage: 'card declined',
        });
        const invoice = nestedInvoice({ user: 'user_creator_pro', plan: 'plan_prod_pro', status: 'past_due' });
        for (const kind of order) {
          const event =
            kind === 'payment'
              ? envelope('payment.failed', CHRONOS, payment)
              : envelope('invoice.past_due', CHRONOS, invoice);
          expect(await deliver(t.appUrl, secret, delivery(event))).to.equal(200);
          await t.drain();
        }
        const mails = await mailbox();
        expect(
          mails.map((m) => `${m.to}: ${m.subject}`),
          'one email for the failed charge',
        ).to.have.length(1);
        expect(mails[0]!.subject).to.match(/^Your Chronos payment failed: you keep Pro until /);
      });
    }

    it('still tells a student once that their payment to a creator failed', async () => {
      await proCreator();
      const payment = paymentData({
        user: 'user_student1',
        company: 'biz_creator2',
        product: 'prod_course2',
        total: '9.00',
      });
      for (let i = 0; i < 2; i += 1)
        expect(await deliver(t.appUrl, secret, delivery(envelope('payment.failed', 'biz_creator2', payment)))).to.equal(
          200,
        );
      await t.drain();
      const mails = await mailbox();
      expect(mails.map((m) => m.to)).to.deep.equal(['user_student1@example.test']);
      expect(mails[0]!.subject).to.match(/^Your payment of .* failed$/);
    });
  });

  it('holds a deactivation inside the grace period, then applies it when the period ends', async () => {
    const { creator, plan } = await proCreator();
    await failRenewal(plan);
    await deliver(
      t.appUrl,
      secret,
      delivery(
        envelope('membership.deactivated', CHRONOS, {
          ...plan,
          status: 'canceled',
          updated_at: new Date().toISOString(),
        }),
      ),
    );
    await t.drain();
    expect((await creator.reload()).tier).to.equal('pro');
    expect(await t.runtime.deps.services.grace.applyExpired()).to.equal(0);
    await creator.update({ gracePeriodEndsAt: new Date(Date.now() - 1000) });
    expect(await t.runtime.deps.services.grace.applyExpired()).to.equal(1);
    await creator.reload();
    expect(creator.tier).to.equal('free');
    expect(creator.billingStatus).to.equal('ok');
    expect(creator.gracePeriodEndsAt).to.equal(null);
  });

  it('ends the grace period when a payment succeeds first, keeping the tier', async () => {
    const { creator, plan } = await proCreator();
    await failRenewal(plan);
    await deliver(
      t.appUrl,
      secret,
      delivery(
        envelope('membership.activated', CHRONOS, { ...plan, status: 'active', updated_at: new Date().toISOString() }),
      ),
    );
    await deliver(
      t.appUrl,
      secret,
      delivery(
        envelope(
          'payment.succeeded',
          CHRONOS,
          paymentData({ user: 'user_creator_pro', company: CHRONOS, product: 'prod_pro', total: '49.00' }),
        ),
      ),
    );
    await t.drain();
    await creator.reload();
    expect(creator).to.deep.include({ tier: 'pro', billingStatus: 'ok', gracePeriodEndsAt: null });
    await creator.update({ gracePeriodEndsAt: null });
    expect(await t.runtime.deps.services.grace.applyExpired()).to.equal(0);
    expect((await creator.reload()).tier).to.equal('pro');
  });

  it('starts the grace period through reconciliation when the plan turned past_due and its webhook never arrived, once', async () => {
    const { User, Creator, WebhookEvent } = t.runtime.deps.models;
    const { reconciliation, grace } = t.runtime.deps.services;
    const owner = await User.create({
      whopUserId: 'user_creator_pro',
      username: 'creator_pro',
      name: 'Priya Pro',
      email: 'priya@example.test',
      avatarUrl: null,
      lastLoginAt: null,
    });
    const creator = await Creator.create({
      whopCompanyId: 'biz_creator2',
      companyName: 'Creator Two',
      ownerUserId: owner.id,
      tierSourceMembershipId: null,
      tierUpdatedAt: null,
      gracePeriodEndsAt: null,
    });
    expect((await reconciliation.run('admin'))?.summary).to.deep.include({ gracePeriodsStarted: 0 });
    expect((await creator.reload()).tier).to.equal('pro');

    await t.control.setStatus('mem_seedcreatorpro', 'past_due');
    // The webhook was delivered; drop it as if Whop had given up.
    await WebhookEvent.destroy({ where: {} });
    const run = await reconciliation.run('admin');
    expect(run?.summary).to.deep.include({ gracePeriodsStarted: 1, tierChanges: [] });
    await creator.reload();
    expect(creator.tier, 'the tier is held, as the webhook would have held it').to.equal('pro');
    expect(creator.billingStatus).to.equal('past_due');
    expect(creator.gracePeriodEndsAt!.getTime() - Date.now()).to.be.within(3 * DAY - 60_000, 3 * DAY + 1000);
    await t.drain();
    const mails = ((await (await fetch(`${t.sandbox.url}/sandbox/api/mailbox`)).json()) as { data: { to: string }[] })
      .data;
    expect(
      mails.filter((m) => m.to === 'priya@example.test'),
      'the grace period email',
    ).to.have.length(1);

    expect((await reconciliation.run('admin'))?.summary, 'the next run starts nothing').to.deep.include({
      gracePeriodsStarted: 0,
    });
    await creator.update({ gracePeriodEndsAt: new Date(Date.now() - 1000) });
    expect(await grace.applyExpired()).to.equal(1);
    expect((await creator.reload()).tier).to.equal('free');
    const after = await reconciliation.run('admin');
    expect(after?.summary, 'a plan still past_due after its grace period does not start another').to.deep.include({
      gracePeriodsStarted: 0,
    });
    expect((await creator.reload()).toJSON()).to.deep.include({
      tier: 'free',
      billingStatus: 'ok',
      gracePeriodEndsAt: null,
    });
  });
});
