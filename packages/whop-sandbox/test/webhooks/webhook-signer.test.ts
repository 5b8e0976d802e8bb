import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { signWebhook } from '../../src/webhooks/webhook-signer.ts';

describe('signWebhook', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'membership.activated', api_version: 'v1' });

  it('signs with the UTF-8 bytes of a ws_ secret, as standardwebhooks verifies', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signWebhook({ id: 'msg_test', timestamp, body, secret: 'ws_abc123' });
    expect(headers['webhook-id']).to.equal('msg_test');
    expect(headers['webhook-timestamp']).to.equal(String(timestamp));
    const verifier = new Webhook(Buffer.from('ws_abc123', 'utf8').toString('base64'));
    expect(verifier.verify(body, { ...headers })).to.deep.equal(JSON.parse(body));
  });

  it('base64-decodes a whsec_ secret', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    const headers = signWebhook({
      id: 'msg_2',
      timestamp: Math.floor(Date.now() / 1000),
      body,
      secret: `whsec_${key}`,
    });
    expect(() => new Webhook(`whsec_${key}`).verify(body, { ...headers })).not.to.throw();
  });

  it('is deterministic for the same input', () => {
    const input = { id: 'msg_3', timestamp: 1_700_000_000, body, secret: 'ws_k' };
    expect(signWebhook(input)).to.deep.equal(signWebhook(input));
    expect(signWebhook(input)['webhook-signature']).not.to.equal(
      signWebhook({ ...input, body: `${body} ` })['webhook-signature'],
    );
  });
});
