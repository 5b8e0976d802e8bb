/**
 * Whop's payloads in every shape it sends (nested/unpinned, flat/pinned, legacy v5), built from
 * Whop's published types (test/fixtures/whop), delivered signed over HTTP to the webhook route,
 * processed by the worker: the effects a user or Whop would see.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { runRedisPrefix } from '../support/test-runtime.ts';
import { deliver, delivery } from '../support/webhook-deliveries.ts';
import { flatMembership, nestedMembership, v5Membership, type MembershipFields } from '../fixtures/whop/memberships.ts';
import { flatPayment, nestedPayment, v5Payment } from '../fixtures/whop/payments.ts';
import { deliverV5, flatEnvelope, nestedEnvelope, v5Body } from '../fixtures/whop/envelopes.ts';
import { whopId } from '../fixtures/whop/ids.ts';

const CHRONOS = 'biz_chronos';
const COMPANY = 'biz_creator1';
const PRODUCT = 'prod_course1';
type Shape = 'nested' | 'flat' | 'v5';
const SHAPES: Shape[] = ['nested', 'flat', 'v5'];
/** v5 actions (`@whop/api` `WhopWebhookRequestBody`) for the v1 names. */
const V5_ACTIONS: Record<string, string> = {
  'membership.activated': 'membership.went_valid',
  'membership.deactivated': 'membership.went_invalid',
};

describe('Whop payloads in every shape (nested, flat, legacy v5)', () => {
  let t: ChronosWithSandbox;
  let secret: string;

  before(async () => {
    t = await startChronosWithSandbox({
      env: { REDIS_PREFIX: `${runRedisPrefix}shapes:`, WHOP_LEGACY_WEBHOOKS: 'true' },
      services: { webhookBackoffMs: () => 0 },
    });
    secret = t.config.whop.webhookSecrets[0]!;
  });
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
  });
  after(() => t.close());

  async function creator(tier: 'free' | 'basic' | 'pro' = 'basic') {
    const { User, Creator } = t.runtime.deps.models;
    const owner = await User.create({
      whopUserId: 'user_creator_free',
      username: 'creator_free',
      name: 'Fran',
      email: 'fran@example.test',
      avatarUrl: null,
      lastLoginAt: null,
    });
    return Creator.create({
      whopCompanyId: COMPANY,
      companyName: 'Creator One',
      ownerUserId: owner.id,
      tier,
      tierSourceMembershipId: null,
      tierUpdatedAt: new Date(),
      gracePeriodEndsAt: null,
    });
  }

  /** Sends a membership event in `shape`; `at` is the envelope's timestamp (flat and v5 have no updated_at). */
  async function sendMembership(
    shape: Shape,
    type: string,
    f: MembershipFields,
    at = f.updatedAt ?? new Date(),
  ): Promise<{ status: number; id: string }> {
    if (shape === 'v5') {
      // App webhooks name the company in the body (v5.yaml); a v5 membership itself names none.
      const body = JSON.stringify(v5Body(V5_ACTIONS[type] ?? type, v5Membership(f), f.company));
      return { status: await deliverV5(t.appUrl, secret, body, Math.floor(at.getTime() / 1000)), id: '' };
    }
    const event =
      shape === 'nested'
        ? nestedEnvelope(type, f.company, nestedMembership(f), at)
        : flatEnvelope(type, f.company, flatMembership(f), { timestamp: at });
    const d = delivery(event);
    return { status: await deliver(t.appUrl, secret, d), id: d.webhookId };
  }

  const student = (userId: string) => t.runtime.deps.models.Student.findOne({ where: { whopUserId: userId } });
  const eventRow = (id: string) => t.runtime.deps.models.WebhookEvent.findByPk(id);

  for (const shape of SHAPES) {
    describe(`${shape} shape`, () => {
      it('activates a student, then deactivates them; a one-time purchase (completed) keeps access', async () => {
        await creator();
        const id = whopId('mem');
        const base = { id, company: COMPANY, product: PRODUCT, user: 'user_student1' };
        expect(
          (await sendMembership(shape, 'membership.activated', { ...base, updatedAt: new Date(Date.now() - 3000) }))
            .status,
        ).to.equal(200);
        await t.drain();
        expect((await student('user_student1'))?.status).to.equal('active');
        await sendMembership(shape, 'membership.deactivated', {
          ...base,
          status: 'expired',
          updatedAt: new Date(Date.now() - 2000),
        });
        await t.drain();
        expect((await student('user_student1'))?.status).to.equal('inactive');
        await sendMembership(shape, 'membership.activated', {
          ...base,
          id: whopId('mem'),
          user: 'user_student2',
          status: 'completed',
          periodEnd: null,
        });
        await t.drain();
        expect((await student('user_student2'))?.status, 'a one-time buyer has access').to.equal('active');
      });

      it('applies a membership change only if it is not older than what is stored (out-of-order delivery)', async () => {
        await creator();
        const base = { id: whopId('mem'), company: COMPANY, product: PRODUCT, user: 'user_student1' };
        await sendMembership(shape, 'membership.deactivated', {
          ...base,
          status: 'canceled',
          updatedAt: new Date(Date.now() - 1000),
        });
        await t.drain();
        const late = await sendMembership(shape, 'membership.activated', {
          ...base,
          updatedAt: new Date(Date.now() - 60_000),
        });
        await t.drain();
        const s = await student('user_student1');
        expect(s?.status).to.equal('inactive');
        expect(s?.membershipStatus).to.equal('canceled');
        if (late.id) expect((await eventRow(late.id))?.status).to.equal('skipped');
      });

      it("sets a creator's tier from a Chronos plan membership, completed included", async () => {
        const c = await creator('free');
        const plan = {
          id: whopId('mem'),
          company: CHRONOS,
          product: 'prod_pro',
          user: 'user_creator_free',
          status: 'completed',
          periodEnd: null,
        };
        await sendMembership(shape, 'membership.activated', plan);
        await t.drain();
        expect((await c.reload()).tier).to.equal('pro');
      });

      it('records payments in usd, usdt, whop_usd and btc with the exact amount (a tiny crypto amount never rounds to 0)', async () => {
        await creator();
        const cases = [
          { total: '29.99', currency: 'usd' },
          { total: '12.5', currency: 'usdt', decimals: 6 },
          { total: '7.25', currency: 'whop_usd' },
          { total: '0.00012', currency: 'btc', decimals: 8 },
        ];
        for (const c of cases) {
          const f = { company: COMPANY, product: PRODUCT, user: 'user_student1', ...c };
          if (shape === 'v5')
            expect(
              await deliverV5(t.appUrl, secret, JSON.stringify(v5Body('payment.succeeded', v5Payment(f)))),
            ).to.equal(200);
          else
            expect(
              await deliver(
                t.appUrl,
                secret,
                delivery(
                  shape === 'nested'
                    ? nestedEnvelope('payment.succeeded', COMPANY, nestedPayment(f))
                    : flatEnvelope('payment.succeeded', COMPANY, flatPayment(f)),
                ),
              ),
            ).to.equal(200);
        }
        await t.drain();
        const rows = await t.runtime.deps.models.Payment.findAll({ order: [['currency', 'ASC']] });
        expect(rows.map((r) => [r.currency, r.amount, r.status])).to.deep.equal([
          ['btc', '0.00012', 'succeeded'],
          ['usd', '29.99', 'succeeded'],
          ['usdt', '12.5', 'succeeded'],
          ['whop_usd', '7.25', 'succeeded'],
        ]);
        expect(await t.runtime.deps.models.WebhookEvent.count({ where: { status: 'dead' } })).to.equal(0);
        const finances = await t.runtime.deps.services.overview.finances();
        // Each currency alone, at the places its payments carry.
        expect(finances.revenue.map((r) => [r.currency, r.net])).to.deep.equal([
          ['btc', '0.00012000'],
          ['usd', '29.99'],
          ['usdt', '12.500000'],
          ['whop_usd', '7.25'],
        ]);
      });
    });
  }

  it('takes underscore names (payment_succeeded, membership_went_valid) as their dotted ones', async () => {
    await creator();
    const m = nestedMembership({ company: COMPANY, product: PRODUCT, user: 'user_student1' });
    expect(await deliver(t.appUrl, secret, delivery(nestedEnvelope('membership_went_valid', COMPANY, m)))).to.equal(
      200,
    );
    expect(
      await deliver(
        t.appUrl,
        secret,
        delivery(
          nestedEnvelope(
            'payment_succeeded',
            COMPANY,
            nestedPayment({ company: COMPANY, product: PRODUCT, user: 'user_student1', total: '10' }),
          ),
        ),
      ),
    ).to.equal(200);
    await t.drain();
    expect((await student('user_student1'))?.status).to.equal('active');
    expect(await t.runtime.deps.models.Payment.count({ where: { status: 'succeeded' } })).to.equal(1);
  });

  it('applies membership.updated (previous_attributes) like any membership change', async () => {
    await creator();
    const f = { id: whopId('mem'), company: COMPANY, product: PRODUCT, user: 'user_student1', status: 'trialing' };
    await deliver(
      t.appUrl,
      secret,
      delivery(flatEnvelope('membership.updated', COMPANY, flatMembership(f), { previous: { status: 'drafted' } })),
    );
    await t.drain();
    expect((await student('user_student1'))?.status).to.equal('active');
    await deliver(
      t.appUrl,
      secret,
      delivery(
        flatEnvelope('membership.updated', COMPANY, flatMembership({ ...f, status: 'canceled' }), {
          previous: { status: 'trialing' },
          timestamp: new Date(Date.now() + 1000),
        }),
      ),
    );
    await t.drain();
    expect((await student('user_student1'))?.status).to.equal('inactive');
  });

  it('never fails on user: null: settles an unknown one, matches a known one through its membership', async () => {
    await creator();
    const stranger = delivery(
      nestedEnvelope(
        'membership.activated',
        COMPANY,
        nestedMembership({ company: COMPANY, product: PRODUCT, user: null }),
      ),
    );
    const flatStranger = delivery(
      flatEnvelope(
        'membership.deactivated',
        COMPANY,
        flatMembership({ company: COMPANY, product: PRODUCT, user: null, status: 'canceled' }),
      ),
    );
    expect(await deliver(t.appUrl, secret, stranger)).to.equal(200);
    expect(await deliver(t.appUrl, secret, flatStranger)).to.equal(200);
    const known = {
      id: whopId('mem'),
      company: COMPANY,
      product: PRODUCT,
      user: 'user_student1' as string | null,
      updatedAt: new Date(Date.now() - 5000),
    };
    await deliver(t.appUrl, secret, delivery(nestedEnvelope('membership.activated', COMPANY, nestedMembership(known))));
    await t.drain();
    // The member deletes their Whop account; the membership ends.
    await deliver(
      t.appUrl,
      secret,
      delivery(
        nestedEnvelope(
          'membership.deactivated',
          COMPANY,
          nestedMembership({ ...known, user: null, status: 'canceled', updatedAt: new Date() }),
        ),
      ),
    );
    await t.drain();
    expect((await eventRow(stranger.webhookId))?.status).to.equal('skipped');
    expect((await eventRow(flatStranger.webhookId))?.status).to.equal('skipped');
    expect((await student('user_student1'))?.status).to.equal('inactive');
    expect(await t.runtime.deps.models.WebhookEvent.count({ where: { status: 'dead' } })).to.equal(0);
  });

  it('stores and ignores a validly signed event of a type Chronos does not know (200, never 4xx)', async () => {
    const d = delivery(flatEnvelope('resolution_center_case.created', COMPANY, { id: 'apex_1' }));
    expect(await deliver(t.appUrl, secret, d)).to.equal(200);
    expect(
      await deliver(t.appUrl, secret, delivery(nestedEnvelope('membership_experience_claimed', COMPANY, { id: 'x' }))),
    ).to.equal(200);
    await t.drain();
    expect((await eventRow(d.webhookId))?.status).to.equal('ignored');
  });

  it('finds the company of a legacy v5 plan membership that names none by its Chronos product', async () => {
    const c = await creator('free');
    const body = JSON.stringify(
      v5Body(
        'membership.went_valid',
        v5Membership({ company: CHRONOS, product: 'prod_pro', user: 'user_creator_free' }),
      ),
    );
    expect(await deliverV5(t.appUrl, secret, body)).to.equal(200);
    await t.drain();
    expect((await c.reload()).tier).to.equal('pro');
  });

  it('still refuses a forged or stale v5 delivery (401) and keeps nothing', async () => {
    const body = JSON.stringify(
      v5Body('payment.succeeded', v5Payment({ company: COMPANY, product: PRODUCT, user: 'user_student1', total: '1' })),
    );
    expect(await deliverV5(t.appUrl, 'ws_wrong', body)).to.equal(401);
    expect(await deliverV5(t.appUrl, secret, body, Math.floor(Date.now() / 1000) - 3600)).to.equal(401);
    expect(await t.runtime.deps.models.WebhookEvent.count()).to.equal(0);
  });
});
