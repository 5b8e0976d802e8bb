/**
 * Who is on the admin's past-due list, at database level, on a fixed clock: a creator whose
 * billing is `past_due`, or whose grace period ends after now; not one whose grace period ends
 * exactly now or earlier with billing back to `ok`, nor one in good standing.
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { makeFactories } from '../../support/factories.ts';
import { createCreatorInspectionQuery } from '../../../src/services/admin/creator-inspection-query.ts';

const NOW = Date.parse('2026-12-05T12:00:00Z');

describe('creator inspection query: the past-due list', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  const query = () => createCreatorInspectionQuery({ sequelize: t.runtime.deps.sequelize, now: () => NOW });
  const creator = async (company: string, billingStatus: 'ok' | 'past_due', graceEndsAt: number | null) =>
    (await makeFactories(t.runtime.deps.models).creator({ whopCompanyId: company })).update({
      billingStatus,
      gracePeriodEndsAt: graceEndsAt === null ? null : new Date(graceEndsAt),
    });

  it('holds creators past due or whose grace period ends after now, soonest end first', async () => {
    await creator('biz_past_due_no_grace', 'past_due', null);
    await creator('biz_grace_later', 'past_due', NOW + 2000);
    await creator('biz_grace_one_ms_left', 'ok', NOW + 1);
    await creator('biz_grace_ends_now', 'ok', NOW);
    await creator('biz_grace_ended', 'ok', NOW - 1);
    await creator('biz_good', 'ok', null);
    const listed = (await query().pastDue()).map((c) => c.whopCompanyId);
    expect(listed).to.deep.equal(['biz_grace_one_ms_left', 'biz_grace_later', 'biz_past_due_no_grace']);
  });

  it('has no detail for an unknown creator', async () => {
    expect(await query().detail(123_456, '2026-12-01')).to.equal(null);
  });

  it('counts a creator’s students by status and this month’s AI credits', async () => {
    const c = await creator('biz_counted', 'ok', null);
    const { Student } = t.runtime.deps.models;
    for (const [n, status] of (['active', 'active', 'over_limit', 'archived'] as const).entries())
      await Student.create({
        creatorId: c.id,
        whopUserId: `user_counted${n}`,
        whopMembershipId: null,
        whopProductId: null,
        status,
        membershipStatus: null,
        membershipUpdatedAt: null,
      });
    await t.runtime.deps.sequelize.query(
      "INSERT INTO usage_metrics (creator_id, month, ai_credits_used) VALUES (:id, '2026-12-01', 42), (:id, '2026-11-01', 7)",
      { replacements: { id: c.id } },
    );
    const detail = await query().detail(c.id, '2026-12-01');
    expect(detail!.students).to.deep.equal({ active: 2, over_limit: 1, inactive: 0, archived: 1 });
    expect(detail!.aiCredits).to.equal(42);
  });
});
