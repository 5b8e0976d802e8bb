/**
 * What an invoice event does to the database, the handler called directly in a transaction:
 * on a Chronos plan, `invoice.past_due` starts the creator's grace period and `invoice.paid`
 * ends it; a late past_due of a paid (or newer) invoice changes nothing; an invoice without a
 * user is matched by its email; invoices of other companies are ignored.
 */
import { expect } from 'chai';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { nestedInvoice } from '../../fixtures/whop/billing.ts';
import { nestedEnvelope } from '../../fixtures/whop/envelopes.ts';
import type { HandledEnvelope } from '../../../src/services/webhooks/event-types.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');

describe('invoice event handler: effects on the database', () => {
  const bed = useRuleTestBed(T0, { creatorTier: 'pro', ownerEmail: 'owner@example.test' });

  const handle = (envelope: HandledEnvelope) =>
    bed.inTransaction((tx) => bed.rules.handlers.invoices.handle(envelope, tx));
  const invoice = (
    type: string,
    at: number,
    f: { user?: string | null; email?: string | null; company?: string } = {},
  ) =>
    nestedEnvelope(
      type,
      f.company ?? bed.config.whop.companyId,
      nestedInvoice({
        id: 'inv_1',
        user: f.user === undefined ? bed.ownerId : f.user,
        email: f.email,
        plan: 'plan_pro',
        status: type === 'invoice.paid' ? 'paid' : 'open',
      }),
      new Date(at),
    );
  const reload = async () => (await bed.models.Creator.findByPk(bed.creator.id))!;

  it('starts the grace period on past_due and ends it on paid', async () => {
    expect((await handle(invoice('invoice.past_due', T0))).status).to.equal('processed');
    expect(await reload()).to.include({ billingStatus: 'past_due' });
    expect((await reload()).gracePeriodEndsAt?.getTime()).to.equal(T0 + bed.config.gracePeriodDays * 86_400_000);
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
    expect((await handle(invoice('invoice.past_due', T0, { company: bed.creator.whopCompanyId }))).status).to.equal(
      'ignored',
    );
    expect((await reload()).billingStatus).to.equal('ok');
  });
});
