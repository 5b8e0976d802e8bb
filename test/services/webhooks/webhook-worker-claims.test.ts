/**
 * The webhook worker over one company's claim (the inbox groups a claim by company and applies
 * it in one transaction): the events' effects are those of one event at a time, a failing event
 * fails alone, and a claim taken over mid-way leaves nothing applied twice. The real membership
 * handler on a real database, on a clock the test moves.
 */
import { expect } from 'chai';
import { createWebhookWorker } from '../../../src/services/webhooks/webhook-worker.ts';
import { createEventProcessor, type EventHandler } from '../../../src/services/webhooks/event-processor.ts';
import { createWebhookInbox } from '../../../src/services/webhooks/webhook-inbox.ts';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { nestedEnvelope } from '../../fixtures/whop/envelopes.ts';
import { nestedMembership } from '../../fixtures/whop/memberships.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');

describe('webhook worker: one company’s claim applied together', () => {
  const bed = useRuleTestBed(T0, { creatorTier: 'enterprise' });
  const now = () => new Date(bed.clock.now());

  const store = async (company: string, events: { user: string; data?: unknown; type?: string }[]) => {
    const inbox = createWebhookInbox({ sequelize: bed.sequelize, now });
    const ids: string[] = [];
    for (const e of events) {
      const envelope = nestedEnvelope(
        e.type ?? 'membership.activated',
        company,
        e.data ?? nestedMembership({ company, product: 'prod_course', user: e.user, updatedAt: now() }),
        now(),
      );
      await inbox.store({ id: envelope.id, type: envelope.type, companyId: company, payload: envelope as never });
      ids.push(envelope.id);
      bed.clock.advance(1);
    }
    return ids;
  };
  const worker = (memberships: EventHandler = bed.rules.handlers.memberships) =>
    createWebhookWorker({
      sequelize: bed.sequelize,
      processor: createEventProcessor({ memberships, payments: bed.rules.handlers.payments }),
      logger: bed.app.runtime.deps.logger,
      maxAttempts: 5,
      now,
    });
  const event = async (id: string) =>
    (await bed.models.WebhookEvent.findByPk(id))!.get({ plain: true }) as { status: string; attempts: number };
  const students = async () =>
    (await bed.models.Student.findAll({ where: { creatorId: bed.creator.id }, order: [['whopUserId', 'ASC']] })).map(
      (s) => [s.whopUserId, s.status],
    );

  it('applies a claim of one company’s events, each once, in the order they came', async () => {
    const company = bed.creator.whopCompanyId;
    const ids = await store(company, [{ user: 'user_a' }, { user: 'user_b' }, { user: 'user_c' }]);
    expect(await worker().runOnce(25)).to.deep.equal({ processed: 3, failed: 0, dead: 0, lost: 0 });
    expect(await students()).to.deep.equal([
      ['user_a', 'active'],
      ['user_b', 'active'],
      ['user_c', 'active'],
    ]);
    for (const id of ids) expect(await event(id)).to.include({ status: 'processed', attempts: 1 });
  });

  it('takes one company per claim: another company’s events wait for the next claim', async () => {
    const other = await bed.factories().creator({ ownerUserId: (await bed.factories().user()).id, tier: 'enterprise' });
    await store(bed.creator.whopCompanyId, [{ user: 'user_a' }]);
    const later = await store(other.whopCompanyId, [{ user: 'user_b' }]);
    await store(bed.creator.whopCompanyId, [{ user: 'user_c' }]);
    expect((await worker().runOnce(25)).processed).to.equal(2);
    expect(await event(later[0]!)).to.include({ status: 'pending' });
    expect((await worker().runOnce(25)).processed).to.equal(1);
  });

  it('fails a bad event alone: the rest of its claim is applied once, the bad one goes dead with its error', async () => {
    const company = bed.creator.whopCompanyId;
    const [a, bad, c] = await store(company, [
      { user: 'user_a' },
      { user: 'user_x', data: { id: 'not-a-membership' } },
      { user: 'user_c' },
    ]);
    expect(await worker().runOnce(25)).to.deep.equal({ processed: 2, failed: 0, dead: 1, lost: 0 });
    expect(await students()).to.deep.equal([
      ['user_a', 'active'],
      ['user_c', 'active'],
    ]);
    expect(await event(a!)).to.include({ status: 'processed', attempts: 1 });
    expect(await event(c!)).to.include({ status: 'processed', attempts: 1 });
    const dead = (await bed.models.WebhookEvent.findByPk(bad!))!;
    expect(dead.status).to.equal('dead');
    expect(dead.lastError).to.contain('data is not a membership');
  });

  it('applies nothing of a claim another worker took over mid-way, then each event once', async () => {
    const company = bed.creator.whopCompanyId;
    const [, , third] = await store(company, [{ user: 'user_a' }, { user: 'user_b' }, { user: 'user_c' }]);
    let stolen = false;
    // While the second event is applied, another worker takes the third over (its lease lapsed).
    const stealing: EventHandler = {
      async handle(envelope, transaction) {
        const data = envelope.data as { user?: { id?: string } };
        if (data.user?.id === 'user_b' && !stolen) {
          stolen = true;
          await bed.sequelize.query(
            'UPDATE webhook_events SET claim_token = gen_random_uuid(), attempts = attempts + 1 WHERE id = $1',
            { bind: [third] },
          );
        }
        return bed.rules.handlers.memberships.handle(envelope, transaction);
      },
    };
    expect(await worker(stealing).runOnce(25)).to.deep.equal({ processed: 2, failed: 0, dead: 0, lost: 1 });
    expect(await students(), 'user_c is the other worker’s to apply').to.deep.equal([
      ['user_a', 'active'],
      ['user_b', 'active'],
    ]);
    expect(await event(third!)).to.include({ status: 'processing', attempts: 2 });
  });
});
