/**
 * The sandbox delivers both payload generations (and the older names and the legacy v5 scheme), and
 * Chronos processes each with the same effects. For each payload version of the sandbox's app webhook
 * (`hook_app`), the sandbox plays the same story through its control API: a new member of the
 * creator's course, a payment in USDT with an exact amount, a partial refund, then the membership
 * canceled. The sandbox's own signed deliveries reach Chronos over HTTP, the worker processes them,
 * and the resulting state (student, payment row, revenue per currency) is the same for every version.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { onboard } from '../support/onboarding.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { runRedisPrefix } from '../support/test-runtime.ts';
import { eventually } from '../support/wait.ts';

const COMPANY = 'biz_creator2';
const PRODUCT = 'prod_course2';
const OWNER = 'user_creator_pro';
const FINAL = new Set(['delivered', 'failed', 'not_sent', 'skipped']);

interface Version {
  name: string;
  settings: { api_version_date?: string | null; api_version?: 'v1' | 'v5'; event_names?: 'dotted' | 'underscore' };
  /** What the deliveries look like in this version (checked, so a version that silently fell back fails). */
  check(body: Record<string, unknown>): void;
}

const VERSIONS: Version[] = [
  {
    name: 'unpinned (legacy nested shape, company_id)',
    settings: { api_version_date: null, api_version: 'v1', event_names: 'dotted' },
    check: (body) => expect(body).to.include.keys('company_id', 'type', 'data'),
  },
  {
    name: 'pinned to an old date (legacy nested shape)',
    settings: { api_version_date: '2025-06-01', api_version: 'v1', event_names: 'dotted' },
    check: (body) => expect(body).to.include.keys('company_id', 'type', 'data'),
  },
  {
    name: 'pinned to the latest date (flat shape, account_id)',
    settings: { api_version_date: 'latest', api_version: 'v1', event_names: 'dotted' },
    check: (body) => expect(body).to.include.keys('account_id', 'type', 'data'),
  },
  {
    name: 'underscore event names',
    settings: { api_version_date: null, api_version: 'v1', event_names: 'underscore' },
    check: (body) => expect(String(body.type)).to.match(/^[a-z]+(_[a-z]+)+$/),
  },
  {
    name: 'flat shape with underscore event names',
    settings: { api_version_date: 'latest', api_version: 'v1', event_names: 'underscore' },
    check: (body) => {
      expect(body).to.include.keys('account_id');
      expect(String(body.type)).to.match(/^[a-z]+(_[a-z]+)+$/);
    },
  },
  {
    name: 'legacy v5 (WHOP_LEGACY_WEBHOOKS on)',
    settings: { api_version: 'v5' },
    check: (body) => expect(body).to.include({ api_version: 'v5' }).and.to.include.keys('action', 'data'),
  },
];

interface Outcome {
  student: {
    status: string;
    membershipStatus: string | null;
    productId: string | null;
    membershipIsTheSandboxs: boolean;
  } | null;
  hasAccessAfterActivation: boolean;
  payment: {
    amount: string;
    currency: string;
    refundedAmount: string;
    status: string;
    userIsTheMember: boolean;
    creatorIsTheCompanys: boolean;
  } | null;
  revenue: unknown;
  deadOrFailedEvents: number;
}

describe('the sandbox delivers every payload generation and Chronos processes each the same', function () {
  this.timeout(60_000);
  let t: ChronosWithSandbox;
  const outcomes = new Map<string, Outcome>();

  before(async () => {
    t = await startChronosWithSandbox({
      env: { REDIS_PREFIX: `${runRedisPrefix}generations:`, WHOP_LEGACY_WEBHOOKS: 'true' },
      services: { webhookBackoffMs: () => 0 },
    });
  });
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
  });
  after(() => t.close());

  interface DeliveryRow {
    id: string;
    webhook: string;
    status: string;
    body: string;
    attempts: { status_code: number | null }[];
  }

  /** Waits until the sandbox has finished every delivery (they never wait on the request that caused them), then runs the worker. */
  async function deliveredAndProcessed(): Promise<DeliveryRow[]> {
    let last: DeliveryRow[] = [];
    const rows = await eventually(
      async () => {
        last = (await t.control.request<{ data: DeliveryRow[] }>('GET', '/deliveries')).data;
        return last.every((d) => FINAL.has(d.status)) && last;
      },
      { what: 'the sandbox finishing its deliveries', timeoutMs: 15_000, intervalMs: 25 },
    ).catch((error: unknown) => {
      throw new Error(
        `${(error as Error).message}; still going: ${last
          .filter((d) => !FINAL.has(d.status))
          .map((d) => `${d.id} ${d.status}`)
          .join(', ')}`,
      );
    });
    await t.drain();
    return rows;
  }

  for (const version of VERSIONS) {
    it(`processes the story delivered ${version.name}`, async () => {
      await onboard(t, await t.signIn(OWNER), COMPANY, OWNER);
      await t.control.request('POST', '/webhooks/hook_app', version.settings);
      await deliveredAndProcessed();
      const seen = new Set(
        (await t.control.request<{ data: DeliveryRow[] }>('GET', '/deliveries')).data.map((d) => d.id),
      );
      const { Student, Payment, WebhookEvent, Creator } = t.runtime.deps.models;
      const creator = (await Creator.findOne({ where: { whopCompanyId: COMPANY } }))!;

      // 1. A new member of the creator's course.
      const user = await t.control.createUser(`gen_${VERSIONS.indexOf(version)}_${Date.now().toString(36)}`);
      const membership = await t.control.createMembership(user, PRODUCT);
      await deliveredAndProcessed();
      const activated = await Student.findOne({ where: { creatorId: creator.id, whopUserId: user } });
      const hasAccessAfterActivation = activated?.status === 'active';

      // 2. A payment in USDT with an exact amount (six decimals).
      const { payment } = await t.control.request<{ payment: { id: string } }>('POST', '/payments', {
        membership_id: membership,
        outcome: 'succeeded',
        currency: 'usdt',
        amount: '12.345678',
      });
      await deliveredAndProcessed();
      // 3. A partial refund.
      await t.control.request('POST', '/events', {
        type: 'refund.created',
        payment_id: payment.id,
        amount: '2.000001',
      });
      await deliveredAndProcessed();
      // 4. The membership canceled.
      await t.control.setStatus(membership, 'canceled');
      const rows = await deliveredAndProcessed();

      // The sandbox really delivered this version, to Chronos, which answered 200 every time.
      const story = rows.filter((d) => d.webhook === 'hook_app' && !seen.has(d.id) && d.status !== 'skipped');
      expect(story.length, 'deliveries of the story').to.be.greaterThan(3);
      for (const d of story) {
        expect(d.status, `${d.id}: ${JSON.stringify(d.attempts)}`).to.equal('delivered');
        expect(d.attempts.map((a) => a.status_code)).to.deep.equal([200]);
        version.check(JSON.parse(d.body) as Record<string, unknown>);
      }

      const student = await Student.findOne({ where: { creatorId: creator.id, whopUserId: user } });
      const row = await Payment.findOne({ where: { whopPaymentId: payment.id } });
      const outcome: Outcome = {
        student: student && {
          status: student.status,
          membershipStatus: student.membershipStatus,
          productId: student.whopProductId,
          membershipIsTheSandboxs: student.whopMembershipId === membership,
        },
        hasAccessAfterActivation,
        payment: row && {
          amount: row.amount,
          currency: row.currency,
          refundedAmount: row.refundedAmount,
          status: row.status,
          userIsTheMember: row.whopUserId === user,
          creatorIsTheCompanys: row.creatorId === creator.id,
        },
        revenue: (await t.runtime.deps.services.overview.finances()).revenue,
        deadOrFailedEvents: await WebhookEvent.count({ where: { status: ['dead', 'pending', 'processing'] } }),
      };
      outcomes.set(version.name, outcome);

      expect(outcome.hasAccessAfterActivation, 'the new member has access once activated').to.equal(true);
      expect(outcome.student).to.deep.equal({
        status: 'inactive',
        membershipStatus: 'canceled',
        productId: PRODUCT,
        membershipIsTheSandboxs: true,
      });
      expect(outcome.payment).to.deep.include({
        currency: 'usdt',
        status: 'succeeded',
        userIsTheMember: true,
        creatorIsTheCompanys: true,
      });
      expect(Number(outcome.payment?.amount)).to.equal(12.345678);
      expect(Number(outcome.payment?.refundedAmount)).to.equal(2.000001);
      expect(outcome.revenue).to.deep.equal([
        { currency: 'usdt', payments: 1, gross: '12.345678', refunded: '2.000001', net: '10.345677' },
      ]);
      expect(outcome.deadOrFailedEvents, 'every event processed, none dead').to.equal(0);
    });
  }

  it('ends in the same state whatever the version', function () {
    if (outcomes.size !== VERSIONS.length) this.skip();
    const [first, ...rest] = [...outcomes.entries()];
    for (const [name, outcome] of rest) expect(outcome, `${name} vs ${first![0]}`).to.deep.equal(first![1]);
  });
});
