import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { legacyInboxId, MAX_JSON_DEPTH, toInboxEvent } from '../../../src/services/whop/webhook-envelope.ts';
import { WebhookRejectedError, type VerifiedDelivery } from '../../../src/services/whop/webhook-verifier.ts';

const STANDARD: VerifiedDelivery = { scheme: 'standard', webhookId: 'msg_abc', timestamp: 1_773_576_000 };
const LEGACY: VerifiedDelivery = { scheme: 'legacy', timestamp: 1_773_576_000 };
const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function refusal(delivery: VerifiedDelivery, raw: Buffer): { reason: string; status: number } {
  try {
    toInboxEvent(delivery, raw);
  } catch (error) {
    if (error instanceof WebhookRejectedError) return { reason: error.reason, status: error.status };
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('webhook envelope', () => {
  it('turns a v1 envelope into an inbox event keyed by the webhook-id, keeping every field', () => {
    const envelope = {
      id: 'evt_1',
      type: 'membership.activated',
      api_version: 'v1',
      timestamp: '2026-03-15T12:00:00.000Z',
      company_id: 'biz_creator1',
      data: { id: 'mem_1' },
      extra: [1, 2],
    };
    expect(toInboxEvent(STANDARD, body(envelope))).to.deep.equal({
      id: 'msg_abc',
      type: 'membership.activated',
      companyId: 'biz_creator1',
      payload: envelope,
    });
  });

  it('takes a missing or null company_id from data.company_id, then data.company.id, else null', () => {
    const cases: [Record<string, unknown>, string | null][] = [
      [{ type: 'payment.succeeded', data: { company_id: 'biz_a', company: { id: 'biz_b' } } }, 'biz_a'],
      [{ type: 'payment.succeeded', company_id: null, data: { company: { id: 'biz_b' } } }, 'biz_b'],
      [{ type: 'payment.succeeded', data: { company: 'biz_c' } }, null],
      [{ type: 'payment.succeeded', data: {} }, null],
    ];
    for (const [envelope, companyId] of cases) {
      const event = toInboxEvent(STANDARD, body(envelope));
      expect(event.companyId, JSON.stringify(envelope)).to.equal(companyId);
      expect(event.payload.company_id).to.equal(companyId);
    }
  });

  it('refuses bodies that are not JSON with invalid_payload (400)', () => {
    for (const raw of ['', 'type=membership.activated', '{"type":', '\u0000']) {
      expect(refusal(STANDARD, body(raw)), JSON.stringify(raw)).to.deep.equal({
        reason: 'invalid_payload',
        status: 400,
      });
    }
  });

  it('refuses JSON that is not an event envelope (type a name of at most 100 characters, data an object)', () => {
    const notEnvelopes = [
      [],
      'membership.activated',
      42,
      null,
      { data: {} },
      { type: 'membership.activated' },
      { type: 'membership.activated', data: [] },
      { type: 'membership.activated', data: null },
      { type: 'membership.activated', data: 'mem_1' },
      { type: 'membership activated', data: {} },
      { type: '', data: {} },
      { type: 7, data: {} },
      { type: `a.${'b'.repeat(100)}`, data: {} },
      { type: 'membership.activated', company_id: 7, data: {} },
      { type: 'membership.activated', account_id: ['biz_1'], data: {} },
      { type: 'membership.updated', previous_attributes: 'status', data: {} },
    ];
    for (const value of notEnvelopes)
      expect(refusal(STANDARD, body(value)).reason, JSON.stringify(value)).to.equal('invalid_payload');
  });

  it('accepts every name Whop may send, stored under its canonical dotted name; unknown names are stored as they are', () => {
    const cases: [string, string][] = [
      ['payment_succeeded', 'payment.succeeded'],
      ['membership_went_valid', 'membership.activated'],
      ['membership_went_invalid', 'membership.deactivated'],
      ['membership_metadata_updated', 'membership.updated'],
      ['membership_cancel_at_period_end_changed', 'membership.cancel_at_period_end_changed'],
      ['dispute_alert_created', 'dispute_alert.created'],
      ['refund_updated', 'refund.updated'],
      ['membership.went_valid', 'membership.activated'],
      ['Membership.Activated', 'membership.activated'],
      ['membership', 'membership'],
      ['app_installation.created', 'app_installation.created'],
      ['__proto__', '__proto__'],
    ];
    for (const [sent, stored] of cases) {
      const event = toInboxEvent(STANDARD, body({ type: sent, data: {} }));
      expect(event.type, sent).to.equal(stored);
      expect(event.payload.type, 'the payload keeps the name as sent').to.equal(sent);
    }
  });

  it('reads the newer envelope: account_id as the company, api_version_date and previous_attributes kept', () => {
    // Docs (https://docs.whop.com/api-reference/memberships/membership-updated): account_id, api_version_date, previous_attributes.
    const envelope = {
      id: 'msg_1',
      api_version: 'v1',
      api_version_date: '2026-11-17',
      type: 'membership.updated',
      timestamp: '2026-11-20T10:00:00.000Z',
      account_id: 'biz_creator1',
      previous_attributes: { status: 'trialing' },
      data: { id: 'mem_1' },
    };
    const event = toInboxEvent(STANDARD, body(envelope));
    expect(event.companyId).to.equal('biz_creator1');
    expect(event.payload).to.deep.include({
      api_version_date: '2026-11-17',
      previous_attributes: { status: 'trialing' },
      company_id: 'biz_creator1',
    });
    expect(
      toInboxEvent(STANDARD, body({ type: 'payment.succeeded', data: { account: { id: 'biz_a', title: 'A' } } }))
        .companyId,
    ).to.equal('biz_a');
    expect(
      toInboxEvent(STANDARD, body({ type: 'payment.succeeded', data: { account_id: 'biz_b' } })).companyId,
    ).to.equal('biz_b');
  });

  it('refuses JSON PostgreSQL could never store (\\u0000, lone surrogates) or absurdly deep, rather than fail the insert forever', () => {
    expect(refusal(STANDARD, body('{"type":"a.b","data":{"note":"x\\u0000y"}}')).reason).to.equal('invalid_payload');
    expect(refusal(STANDARD, body('{"type":"a.b","data":{"x\\u0000":1}}')).reason).to.equal('invalid_payload');
    expect(refusal(STANDARD, body('{"type":"a.b","data":{"note":"\\ud800"}}')).reason).to.equal('invalid_payload');
    expect(toInboxEvent(STANDARD, body('{"type":"a.b","data":{"note":"\\ud83d\\ude00"}}')).payload.data.note).to.equal(
      '😀',
    );
    const nest = (depth: number) => `{"type":"a.b","data":${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    expect(toInboxEvent(STANDARD, body(nest(MAX_JSON_DEPTH - 2))).type).to.equal('a.b');
    expect(refusal(STANDARD, body(nest(MAX_JSON_DEPTH))).reason).to.equal('invalid_payload');
    expect(
      refusal(STANDARD, body(`{"type":"a.b","data":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`)).reason,
    ).to.equal('invalid_payload');
  });

  describe('legacy v5 {action, data}', () => {
    const v5 = {
      action: 'membership.went_valid',
      data: { id: 'mem_1', company_id: 'biz_creator1', user_id: 'user_1' },
    };

    it('is stored in the v1 shape with api_version v5, the signed time and an id from the body hash', () => {
      const raw = body(v5);
      const id = `v5_${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
      expect(legacyInboxId(raw)).to.equal(id);
      expect(toInboxEvent(LEGACY, raw)).to.deep.equal({
        id,
        type: 'membership.activated',
        companyId: 'biz_creator1',
        payload: {
          id,
          type: 'membership.went_valid',
          api_version: 'v5',
          timestamp: '2026-03-15T12:00:00.000Z',
          company_id: 'biz_creator1',
          data: v5.data,
        },
      });
    });

    it('takes the company from the body (app webhooks: `company`) or the data', () => {
      expect(
        toInboxEvent(
          LEGACY,
          body({ action: 'payment.succeeded', api_version: 'v5', company: 'biz_x', data: { id: 'pay_1' } }),
        ).companyId,
      ).to.equal('biz_x');
      expect(
        toInboxEvent(LEGACY, body({ action: 'membership.went_valid', data: { id: 'mem_1', product_id: 'prod_1' } }))
          .companyId,
      ).to.equal(null);
    });

    it('gives the same body the same id (a repeat is a duplicate) and another body another', () => {
      expect(toInboxEvent(LEGACY, body(v5)).id).to.equal(toInboxEvent({ scheme: 'legacy', timestamp: 1 }, body(v5)).id);
      expect(toInboxEvent(LEGACY, body({ ...v5, data: { id: 'mem_2' } })).id).not.to.equal(
        toInboxEvent(LEGACY, body(v5)).id,
      );
    });

    it('refuses a legacy body that is not {action, data}, e.g. a v1 envelope', () => {
      for (const value of [
        { type: 'membership.activated', data: {} },
        { action: 'went valid', data: {} },
        { action: 'membership.went_valid' },
        { action: 'payment.succeeded', company: 5, data: {} },
      ]) {
        expect(refusal(LEGACY, body(value)).reason, JSON.stringify(value)).to.equal('invalid_payload');
      }
    });
  });
});
