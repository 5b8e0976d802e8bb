/**
 * Every event that frees, adds or removes a seat re-applies the seat rule in its own
 * transaction (issue 18): a cancellation, a deletion and a student's expired grace period give
 * the seat to the earliest waiting student at once; a plan upgrade seats the earliest waiting
 * students and a downgrade leaves the seats to the earliest joiners. At no point is a seat free
 * while a student waits.
 */
import { expect } from 'chai';
import { DAY_MS } from '../../support/rule-services.ts';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { nestedMembership, type MembershipFields } from '../../fixtures/whop/memberships.ts';
import { nestedEnvelope } from '../../fixtures/whop/envelopes.ts';
import type { HandledEnvelope } from '../../../src/services/webhooks/event-types.ts';
import { TIER_TABLE } from '../../../src/domain/tier-table.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const FREE = TIER_TABLE.free.limits.students!;
const JOINED = T0 - 10 * DAY_MS;

describe('seat events: a seat changes hands in the transaction that frees or adds it', () => {
  const bed = useRuleTestBed(T0, { creatorTier: 'free' });
  const { clock } = bed;

  const handle = (envelope: HandledEnvelope) =>
    bed.inTransaction((tx) => bed.rules.handlers.memberships.handle(envelope, tx));
  /** Student n's membership: n joined on Whop n minutes after JOINED. */
  const studentEvent = (type: string, n: number, f: Partial<MembershipFields> & { updatedAt: Date }) =>
    nestedEnvelope(
      type,
      bed.creator.whopCompanyId,
      nestedMembership({
        id: `mem_seat_${String(n).padStart(3, '0')}`,
        company: bed.creator.whopCompanyId,
        product: 'prod_course',
        user: `user_seat_${n}`,
        createdAt: new Date(JOINED + n * 60_000),
        ...f,
      }),
      f.updatedAt,
    );
  const planEvent = (type: string, tier: string, f: Partial<MembershipFields> & { updatedAt: Date }) => {
    const company = bed.config.whop.companyId;
    const product = Object.entries(bed.config.whop.tierProducts).find(([, x]) => x === tier)![0];
    return nestedEnvelope(
      type,
      company,
      nestedMembership({ id: 'mem_plan', company, product, user: bed.ownerId, ...f }),
      f.updatedAt,
    );
  };
  const join = (n: number) => handle(studentEvent('membership.activated', n, { updatedAt: new Date(T0) }));
  const seats = async () => {
    const rows = await bed.models.Student.findAll({ where: { creatorId: bed.creator.id } });
    const of = (status: string) =>
      rows
        .filter((r) => r.status === status)
        .map((r) => Number(r.whopUserId.replace('user_seat_', '')))
        .sort((a, b) => a - b);
    return { active: of('active'), waiting: of('over_limit') };
  };
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('a cancellation gives its seat to the earliest waiting student at once', async () => {
    for (const n of range(1, FREE + 2)) await join(n);
    expect(await seats()).to.deep.equal({ active: range(1, FREE), waiting: [FREE + 1, FREE + 2] });
    await handle(studentEvent('membership.deactivated', 3, { status: 'canceled', updatedAt: new Date(T0 + 1000) }));
    expect(await seats()).to.deep.equal({
      active: [...range(1, 2), ...range(4, FREE + 1)],
      waiting: [FREE + 2],
    });
  });

  it('a deleted membership frees its seat at once too', async () => {
    for (const n of range(1, FREE + 1)) await join(n);
    await handle(studentEvent('membership.deleted', 1, { updatedAt: new Date(T0 + 1000) }));
    expect(await seats()).to.deep.equal({ active: range(2, FREE + 1), waiting: [] });
  });

  it('an expired student grace period frees the seat for the earliest waiting student', async () => {
    for (const n of range(1, FREE + 1)) await join(n);
    await handle(studentEvent('membership.updated', 2, { status: 'past_due', updatedAt: new Date(T0 + 1000) }));
    // In grace: the seat is still theirs.
    expect((await seats()).waiting).to.deep.equal([FREE + 1]);
    clock.advance(bed.config.gracePeriodDays * DAY_MS + 1);
    expect(await bed.rules.students.expireGracePeriods()).to.equal(1);
    expect(await seats()).to.deep.equal({ active: [1, ...range(3, FREE + 1)], waiting: [] });
  });

  it('an upgrade seats the waiting students at once; a downgrade leaves the seats to the earliest joiners', async () => {
    for (const n of range(1, FREE + 3)) await join(n);
    await handle(planEvent('membership.activated', 'basic', { updatedAt: new Date(T0 + 1000) }));
    expect(await seats()).to.deep.equal({ active: range(1, FREE + 3), waiting: [] });
    await handle(planEvent('membership.deactivated', 'basic', { status: 'canceled', updatedAt: new Date(T0 + 2000) }));
    expect((await bed.models.Creator.findByPk(bed.creator.id))!.tier).to.equal('free');
    expect(await seats()).to.deep.equal({ active: range(1, FREE), waiting: range(FREE + 1, FREE + 3) });
  });

  it('a late-arriving earlier joiner takes the seat of the latest joiner, who waits', async () => {
    for (const n of range(2, FREE + 1)) await join(n);
    const result = await join(1);
    expect(result.status).to.equal('processed');
    expect(await seats()).to.deep.equal({ active: range(1, FREE), waiting: [FREE + 1] });
  });
});
