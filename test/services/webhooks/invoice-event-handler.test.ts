/**
 * What an invoice event does to the database, the handler called directly in a transaction:
 * on a Chronos plan, `invoice.past_due` starts the creator's grace period and `invoice.paid`
 * ends it; a late past_due of a paid (or newer) invoice changes nothing; an invoice without a
 * user is matched by its email; invoices of other companies are ignored.
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { makeFactories } from '../../support/factories.ts';
import { ruleServices, testClock, type RuleServices } from '../../support/rule-services.ts';
import { nestedInvoice } from '../../fixtures/whop/billing.ts';
import { nestedEnvelope } from '../../fixtures/whop/envelopes.ts';
import type { HandledEnvelope } from '../../../src/services/webhooks/event-types.ts';
import type { Creator } from '../../../src/models/creator-model.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');

describe('invoice event handler: effects on the database', () => {
  let t: TestApp;
  let s: RuleServices;
  let creator: Creator;
  let ownerId: string;
  const clock = testClock(T0);

  before(async () => {
    t = await startTestApp();
    s = ruleServices(t, clock);
  });
  after(() => t.close());
  beforeEach(async () => {
    clock.set(T0);
    await cleanTables(t.runtime.deps.sequelize);
    const f = makeFactories(t.runtime.deps.models);
    const owner = await f.user({ email: 'owner@example.test' });
    ownerId = owner.whopUserId;
    creator = await f.creator({ ownerUserId: owner.id, tier: 'pro' });
  });

  const handle = (envelope: HandledEnvelope) =>
    t.runtime.deps.sequelize.transaction((tx) => s.handlers.invoices.handle(envelope, tx));
  const invoice = (
    type: string,
    at: number,
    f: { user?: string | null; email?: string | null; company?: string } = {},
  ) =>
    nestedEnvelope(
      type,
      f.company ?? t.runtime.deps.config.whop.companyId,
      nestedInvoice({
        id: 'inv_1',
        user: f.user === undefined ? ownerId : f.user,
        email: f.email,
        plan: 'plan_pro',
        status: type === 'invoice.paid' ? 'paid' : 'open',
      }),
      new Date(at),
    );
  const reload = async () => (await t.runtime.deps.models.Creator.findByPk(creator.id))!;

  it('starts the grace period on past_due and ends it on paid', async () => {
    expect((await handle(invoice('invoice.past_due', T0))).status).to.equal('processed');
    expect(await reload()).to.include({ billingStatus: 'past_due' });
    expect((await reload()).gracePeriodEndsAt?.getTime()).to.equal(
      T0 + t.runtime.deps.config.gracePeriodDays * 86_400_000,
    );
    await handle(invoice('invoice.paid', T0 + 1000));
    expect(await reload()).to.include({ billingStatus: 'ok', gracePeriodEndsAt: null });
  });

  it('changes nothing on a past_due of an invoice already paid, even a newer one, or an older one', async () => {
    await handle(invoice('invoice.paid', T0 + 1000));
    expect((await handle(invoice('invoice.past_due', T0 + 2000))).status).to.equal('skipped');
    expect((await handle(invoice('invoice.past_due', T0))).status).to.equal('skipped');
    expect(await reload()).to.include({ billingStatus: 'ok', gracePeriodEndsAt: null });
  });

  it('skips a change older than the stored one, whichever it is', async () => {
    await handle(invoice('invoice.past_due', T0 + 2000));
    expect((await handle(invoice('invoice.paid', T0 + 1000))).status).to.equal('skipped');
    expect(await reload()).to.include({ billingStatus: 'past_due' });
  });

  it('matches an invoice without a user by its email address', async () => {
    await handle(invoice('invoice.past_due', T0, { user: null, email: 'owner@example.test' }));
    expect((await reload()).billingStatus).to.equal('past_due');
  });

  it("ignores invoices of creators' own companies", async () => {
    expect((await handle(invoice('invoice.past_due', T0, { company: creator.whopCompanyId }))).status).to.equal(
      'ignored',
    );
    expect((await reload()).billingStatus).to.equal('ok');
  });
});
