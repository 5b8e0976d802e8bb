/** The one translation point: every shape Whop sends becomes the same internal object. */
import { expect } from 'chai';
import {
  ShapeError,
  toMembership,
  toPayment,
  toRefund,
  toDispute,
  toInvoice,
} from '../../../src/services/whop/whop-shapes/index.ts';
import { numberToDecimal } from '../../../src/services/whop/whop-shapes/shape-primitives.ts';
import { canonicalEventName } from '../../../src/services/whop/event-names.ts';
import { flatMembership, nestedMembership, v5Membership } from '../../fixtures/whop/memberships.ts';
import { flatPayment, nestedPayment, v5Payment } from '../../fixtures/whop/payments.ts';
import {
  flatRefund,
  nestedDispute,
  nestedInvoice,
  nestedRefund,
  v5Dispute,
  v5Refund,
} from '../../fixtures/whop/billing.ts';

const SENT = new Date('2026-12-05T10:00:00Z');

describe('Whop shapes → Chronos objects', () => {
  const f = {
    id: 'mem_abc',
    company: 'biz_c',
    product: 'prod_p',
    user: 'user_u',
    status: 'active',
    createdAt: new Date('2026-11-01T00:00:00Z'),
    updatedAt: new Date('2026-12-01T00:00:00Z'),
    periodEnd: new Date('2026-12-31T00:00:00Z'),
  };

  it('reads a membership the same from nested, flat and v5, ids and times alike', () => {
    const nested = toMembership(nestedMembership(f));
    const flat = toMembership(flatMembership(f), { eventTime: SENT });
    const v5 = toMembership(v5Membership(f), { eventTime: SENT, companyId: 'biz_c', legacy: true });
    for (const m of [nested, flat, v5]) {
      expect(m).to.deep.include({
        id: 'mem_abc',
        status: 'active',
        valid: true,
        companyId: 'biz_c',
        productId: 'prod_p',
        planId: 'plan_prod_p',
        userId: 'user_u',
        cancelAtPeriodEnd: false,
      });
      expect(m.createdAt?.toISOString()).to.equal('2026-11-01T00:00:00.000Z');
      expect(m.renewalPeriodEnd?.toISOString()).to.equal('2026-12-31T00:00:00.000Z');
    }
    expect([nested.shape, flat.shape, v5.shape]).to.deep.equal(['nested', 'flat', 'v5']);
    expect(nested.userEmail).to.equal('user_u@example.test');
  });

  it('orders by updated_at, else the time the event was sent, else the time of a REST read', () => {
    expect(toMembership(nestedMembership(f), { eventTime: SENT }).updatedAt.toISOString()).to.equal(
      '2026-12-01T00:00:00.000Z',
    );
    expect(toMembership(flatMembership(f), { eventTime: SENT }).updatedAt).to.deep.equal(SENT);
    const read = new Date('2026-12-06T00:00:00Z');
    expect(toMembership(flatMembership(f), { observedAt: read }).updatedAt).to.deep.equal(read);
    expect(() => toMembership(flatMembership(f))).to.throw(ShapeError);
  });

  it('accepts ISO strings and Unix seconds, and keeps user: null as a membership without a user', () => {
    const unix = toMembership({
      id: 'mem_1',
      status: 'completed',
      product_id: 'prod_1',
      user_id: null,
      created_at: 1_701_406_800,
      updated_at: '1701406900',
    });
    expect(unix.createdAt?.toISOString()).to.equal('2023-12-01T05:00:00.000Z');
    expect(unix.updatedAt.toISOString()).to.equal('2023-12-01T05:01:40.000Z');
    expect(unix.userId).to.equal(null);
    expect(unix.valid, 'completed grants access').to.equal(true);
    expect(toMembership(nestedMembership({ ...f, user: null })).userId).to.equal(null);
    // An older documented membership without product: the plan still names it.
    expect(
      toMembership({
        id: 'mem_2',
        status: 'active',
        plan: { id: 'plan_9' },
        user: { id: 'user_9' },
        updated_at: '2026-01-01T00:00:00Z',
      }),
    ).to.deep.include({ productId: '', planId: 'plan_9' });
  });

  it('refuses what is no membership with a ShapeError naming the problem', () => {
    for (const bad of [
      null,
      [],
      {},
      { id: 'pay_1', status: 'active', product_id: 'p' },
      { id: 'mem_1', product_id: 'p' },
      { id: 'mem_1', status: 'active' },
      { id: 'mem_1', status: 'active', product_id: 'p', updated_at: 'not a date' },
      { id: 'mem_1', status: 'active', product_id: 'p', user_id: 'u"; --' },
    ]) {
      expect(() => toMembership(bad, { eventTime: SENT }), JSON.stringify(bad)).to.throw(ShapeError);
    }
  });

  it('reads payments exactly in every shape and currency: numbers, decimal strings, money objects', () => {
    const args = {
      id: 'pay_1',
      company: 'biz_c',
      product: 'prod_p',
      user: 'user_u',
      membership: 'mem_abc',
      total: '29.99',
    };
    for (const p of [
      toPayment(nestedPayment(args)),
      toPayment(flatPayment(args)),
      toPayment(v5Payment(args), { legacy: true }),
    ]) {
      expect(p).to.deep.include({
        id: 'pay_1',
        amount: '29.99',
        currency: 'usd',
        decimals: 2,
        amountMinor: 2999,
        companyId: 'biz_c',
        productId: 'prod_p',
        membershipId: 'mem_abc',
        userId: 'user_u',
      });
    }
    expect(toPayment(flatPayment({ ...args, total: '0.00012', currency: 'btc', decimals: 8 }))).to.deep.include({
      amount: '0.00012',
      currency: 'btc',
      decimals: 8,
      amountMinor: 12_000,
    });
    expect(toPayment(nestedPayment({ ...args, total: '0.0000001', currency: 'eth' }))).to.deep.include({
      amount: '0.0000001',
      currency: 'eth',
      decimals: 18,
    });
    expect(toPayment(flatPayment({ ...args, total: '7.25', currency: 'whop_usd' }))).to.deep.include({
      amount: '7.25',
      currency: 'whop_usd',
      amountMinor: 725,
    });
    expect(toPayment(flatPayment({ ...args, total: '12.5', currency: 'usdt', decimals: 6 }))).to.deep.include({
      amount: '12.5',
      amountMinor: 12_500_000,
    });
    expect(toPayment(flatPayment({ ...args, refunded: '10.00' })).refundedAmount).to.equal('10');
    expect(toPayment(nestedPayment({ ...args, user: null })).userId).to.equal(null);
    for (const total of [-1, '1e9', '12,50', 'NaN'])
      expect(() => toPayment({ id: 'pay_1', currency: 'usd', total }), String(total)).to.throw(ShapeError);
  });

  it('writes numbers as their exact shortest decimal', () => {
    expect([1e-7, 6.9, 0.1 + 0.2, 1e21, 49.99].map(numberToDecimal)).to.deep.equal([
      '0.0000001',
      '6.9',
      '0.30000000000000004',
      '1000000000000000000000',
      '49.99',
    ]);
  });

  it('reads refunds, disputes and invoices in their shapes', () => {
    expect(toRefund(nestedRefund({ id: 'rfnd_1', payment: 'pay_1', amount: '20' }))).to.deep.include({
      id: 'rfnd_1',
      paymentId: 'pay_1',
      amount: '20',
      currency: 'usd',
      status: 'succeeded',
    });
    expect(toRefund(flatRefund({ id: 'rfnd_1', payment: 'pay_1', amount: '20.00' }))).to.deep.include({
      paymentId: 'pay_1',
      amount: '20',
    });
    expect(toRefund(v5Refund({ id: 'rfnd_1', payment: 'pay_1', amount: '20', status: 'weird' }))).to.deep.include({
      paymentId: 'pay_1',
      status: 'pending',
    });
    expect(
      toDispute(nestedDispute({ id: 'dspt_1', company: 'biz_c', payment: 'pay_1', amount: '49.99' })),
    ).to.deep.include({ paymentId: 'pay_1', companyId: 'biz_c', amount: '49.99', status: 'needs_response' });
    expect(
      toDispute(v5Dispute({ id: 'dspt_1', payment: 'pay_1', amount: '5' }), { companyId: 'biz_x' }),
    ).to.deep.include({ companyId: 'biz_x', amount: '5' });
    expect(
      toInvoice(nestedInvoice({ id: 'inv_1', user: null, email: 'a@b.test', plan: 'plan_1', status: 'past_due' })),
    ).to.deep.include({ userId: null, email: 'a@b.test', planId: 'plan_1', status: 'past_due' });
  });

  it('names every event by its dotted v1 name', () => {
    expect(
      [
        'payment_succeeded',
        'membership_went_valid',
        'membership.went_invalid',
        'dispute_alert_created',
        'resolution_created',
        'membership.created',
        'membership.activated',
        'app_payment_succeeded',
        'constructor',
      ].map(canonicalEventName),
    ).to.deep.equal([
      'payment.succeeded',
      'membership.activated',
      'membership.deactivated',
      'dispute_alert.created',
      'resolution_center_case.created',
      'membership.activated',
      'membership.activated',
      'app_payment_succeeded',
      'constructor',
    ]);
  });
});
