import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { onboard } from '../support/onboarding.ts';

/**
 * A 429 storm in the middle of a reconciliation (the sandbox answers Whop's 429, without
 * Retry-After, from page 2 of a company's memberships on): nothing of that company changes,
 * the run says which companies were not reconciled and why, and the next run finishes them.
 */
describe('reconciliation during a 429 storm', () => {
  let t: ChronosWithSandbox;
  const waits: number[] = [];
  before(
    async () => (t = await startChronosWithSandbox({ services: { whopSleep: async (ms) => void waits.push(ms) } })),
  );
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
    t.whopCalls.rewrite = undefined;
  });
  afterEach(async () => {
    t.whopCalls.rewrite = undefined;
    await t.control.rateLimit(0);
  });
  after(() => t.close());

  it('changes nothing of a company whose pages could not all be read, reports it, and the next run completes it first', async () => {
    // biz_creator2 is onboarded first (reconciled first), biz_creator1 has two pages of members.
    await onboard(t, await t.signIn('user_creator_pro'), 'biz_creator2', 'user_creator_pro');
    for (let i = 0; i < 105; i += 1)
      await t.control.createMembership(await t.control.createUser(`storm_${i}`), 'prod_course1');
    await onboard(t, await t.signIn('user_creator_free'), 'biz_creator1', 'user_creator_free');
    const { Creator, Student } = t.runtime.deps.models;
    const creator1 = (await Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } }))!;
    const creator2 = (await Creator.findOne({ where: { whopCompanyId: 'biz_creator2' } }))!;
    const statuses = async () =>
      Object.fromEntries(
        (await Student.findAll({ where: { creatorId: creator1.id } })).map((s) => [s.whopUserId, s.status]),
      );
    const before = await statuses();

    // Changes on Whop that webhooks missed: one member on each page of biz_creator1, the pro plan canceled.
    const memberships = await t.control.memberships();
    const newest = memberships.find(
      (m) =>
        m.user.id.startsWith('user_') &&
        m.product.id === 'prod_course1' &&
        m.id === memberships.filter((x) => x.product.id === 'prod_course1').at(-1)!.id,
    )!;
    const oldest = memberships.find((m) => m.user.id === 'user_student1' && m.product.id === 'prod_course1')!;
    await t.control.setStatus(newest.id, 'expired');
    await t.control.setStatus(oldest.id, 'expired');
    await t.control.setStatus(
      memberships.find((m) => m.user.id === 'user_creator_pro' && m.product.id === 'prod_pro')!.id,
      'expired',
    );
    const newcomer = await t.control.createUser('storm_newcomer');
    await t.control.createMembership(newcomer, 'prod_course2');
    await t.runtime.deps.models.Creator.update({ tier: 'pro' }, { where: { id: creator2.id } });

    // The storm starts as soon as page 1 of biz_creator1 has been answered.
    t.whopCalls.rewrite = (request, body) => {
      if (
        request.includes('/api/v1/memberships?') &&
        request.includes('company_id=biz_creator1') &&
        !request.includes('after=')
      ) {
        t.sandbox.sandbox.core.rateLimit.remaining = 1000;
        t.sandbox.sandbox.core.rateLimit.retryInSeconds = 1;
      }
      return body;
    };
    const stormy = (await t.runtime.deps.services.reconciliation.run('admin'))!;
    t.whopCalls.rewrite = undefined;
    await t.control.rateLimit(0);

    expect(stormy.status).to.equal('failed');
    expect(stormy.summary.unreconciled).to.deep.equal([
      { companyId: 'biz_creator1', reason: 'rate limited by Whop (429 after retries): nothing of it was changed' },
      { companyId: 'biz_chronos', reason: 'not attempted: Whop was rate limiting this run' },
    ]);
    expect(stormy.error).to.contain('biz_creator1');
    expect(waits.length).to.be.greaterThan(0); // retried with backoff before giving up
    // Nothing partial: neither page of biz_creator1 was applied, and no tier changed.
    expect(await statuses()).to.deep.equal(before);
    expect((await Creator.findByPk(creator2.id))?.tier).to.equal('pro');
    // biz_creator2, read completely before the storm, was reconciled.
    expect(await Student.count({ where: { creatorId: creator2.id, whopUserId: newcomer } })).to.equal(1);

    const page = (await (await t.signIn('user_admin')).get(`${t.appUrl}/admin/webhooks`)).text;
    expect(page).to.contain('id="unreconciled-companies"');
    expect(page.slice(page.indexOf('id="unreconciled-companies"'))).to.contain('biz_creator1');

    t.whopCalls.reset();
    const next = (await t.runtime.deps.services.reconciliation.run('admin'))!;
    expect(next.status).to.equal('succeeded');
    expect(next.summary.unreconciled).to.deep.equal([]);
    const firstList = t.whopCalls.requests.find((r) => r.startsWith('GET /api/v1/memberships?'));
    expect(firstList).to.contain('company_id=biz_creator1'); // the left-over company first
    const after = await statuses();
    expect(after[oldest.user.id]).to.equal('inactive');
    expect(after[newest.user.id]).to.equal('inactive');
    expect((await Creator.findByPk(creator2.id))?.tier).to.equal('free');
  });
});
