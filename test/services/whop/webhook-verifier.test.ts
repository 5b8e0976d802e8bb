import { expect } from 'chai';
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import {
  createWebhookVerifier,
  webhookKeyBytes,
  WebhookRejectedError,
  type WebhookRejection,
  type WebhookVerifierOptions,
} from '../../../src/services/whop/webhook-verifier.ts';

const NOW_MS = Date.UTC(2026, 2, 15, 12, 0, 0);
const NOW = NOW_MS / 1000;
const WS_SECRET = 'ws_3f9a1c0e7b2d4f6a8c0e2b4d6f8a0c2e';
const WHSEC_KEY = randomBytes(24);
const WHSEC_SECRET = `whsec_${WHSEC_KEY.toString('base64')}`;
const BODY = Buffer.from(
  JSON.stringify({ id: 'evt_1', type: 'membership.activated', data: { id: 'mem_1', note: 'crème brûlée ✓' } }),
);

function verifier(options: Partial<WebhookVerifierOptions> = {}) {
  return createWebhookVerifier({ secrets: [WS_SECRET], acceptLegacy: false, now: () => NOW_MS, ...options });
}

/** Signs with the `standardwebhooks` reference library (it takes the key as base64). */
function referenceSign(keyBase64: string, id: string, timestamp: number, body: Buffer): string {
  return new Webhook(keyBase64).sign(id, new Date(timestamp * 1000), body);
}

const base64OfUtf8 = (secret: string) => Buffer.from(secret, 'utf8').toString('base64');

function standardHeaders(signature: string, overrides: Partial<Record<string, string>> = {}): IncomingHttpHeaders {
  return { 'webhook-id': 'msg_2x8Yq', 'webhook-timestamp': String(NOW), 'webhook-signature': signature, ...overrides };
}

function signedHeaders(
  secret = WS_SECRET,
  options: { id?: string; timestamp?: number; body?: Buffer } = {},
): IncomingHttpHeaders {
  const id = options.id ?? 'msg_2x8Yq';
  const timestamp = options.timestamp ?? NOW;
  const keyBase64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : base64OfUtf8(secret);
  return standardHeaders(referenceSign(keyBase64, id, timestamp, options.body ?? BODY), {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
  });
}

function legacyHeader(secret: string, t: number, body: Buffer): IncomingHttpHeaders {
  const hex = createHmac('sha256', webhookKeyBytes(secret)).update(`${t}.`).update(body).digest('hex');
  return { 'x-whop-signature': `t=${t},v1=${hex}` };
}

function rejection(run: () => unknown): { reason: WebhookRejection; status: number } {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookRejectedError) return { reason: error.reason, status: error.status };
    throw error;
  }
  throw new Error('expected the delivery to be refused');
}

describe('webhook verifier', () => {
  describe('Standard Webhooks signatures', () => {
    it('accepts a delivery signed by the standardwebhooks library with a ws_ secret (its UTF-8 bytes are the key)', () => {
      expect(verifier().verify(signedHeaders(), BODY)).to.deep.equal({
        scheme: 'standard',
        webhookId: 'msg_2x8Yq',
        timestamp: NOW,
      });
    });

    it('accepts a whsec_ secret, whose key is the base64 after the prefix', () => {
      expect(verifier({ secrets: [WHSEC_SECRET] }).verify(signedHeaders(WHSEC_SECRET), BODY).scheme).to.equal(
        'standard',
      );
      // The same secret read as UTF-8 text would be a different key: that signature does not verify.
      const asText = standardHeaders(referenceSign(base64OfUtf8(WHSEC_SECRET), 'msg_2x8Yq', NOW, BODY));
      expect(rejection(() => verifier({ secrets: [WHSEC_SECRET] }).verify(asText, BODY))).to.deep.equal({
        reason: 'signature_mismatch',
        status: 401,
      });
    });

    it('derives the key bytes the reference library uses: its verify() accepts HMACs made with them', () => {
      expect(webhookKeyBytes(WHSEC_SECRET).equals(WHSEC_KEY)).to.equal(true);
      expect(webhookKeyBytes('plain-shared-secret').toString('utf8')).to.equal('plain-shared-secret');
      const timestamp = String(Math.floor(Date.now() / 1000)); // the reference library reads the clock itself
      for (const [secret, referenceSecret] of [
        [WHSEC_SECRET, WHSEC_SECRET],
        [WS_SECRET, base64OfUtf8(WS_SECRET)],
      ] as const) {
        const mac = createHmac('sha256', webhookKeyBytes(secret))
          .update(`msg_2x8Yq.${timestamp}.`)
          .update(BODY)
          .digest('base64');
        const headers = { 'webhook-id': 'msg_2x8Yq', 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac}` };
        expect(new Webhook(referenceSecret).verify(BODY, headers), secret).to.deep.equal(JSON.parse(BODY.toString()));
      }
    });

    it('refuses a tampered body, a wrong secret, a changed id and a changed timestamp with signature_mismatch (401)', () => {
      const headers = signedHeaders();
      const tampered = Buffer.from(BODY.toString().replace('mem_1', 'mem_2'));
      expect(rejection(() => verifier().verify(headers, tampered))).to.deep.equal({
        reason: 'signature_mismatch',
        status: 401,
      });
      expect(rejection(() => verifier().verify(signedHeaders('ws_some_other_secret_value'), BODY)).reason).to.equal(
        'signature_mismatch',
      );
      expect(rejection(() => verifier().verify({ ...headers, 'webhook-id': 'msg_other' }, BODY)).reason).to.equal(
        'signature_mismatch',
      );
      expect(
        rejection(() => verifier().verify({ ...headers, 'webhook-timestamp': String(NOW - 1) }, BODY)).reason,
      ).to.equal('signature_mismatch');
    });

    it('accepts when any one of several space-separated signatures matches, ignoring other versions', () => {
      const good = String(signedHeaders()['webhook-signature']);
      const bad = String(signedHeaders('ws_some_other_secret_value')['webhook-signature']);
      const value = `v1a,${good.slice(3)} ${bad} v2,${good.slice(3)} ${good}`;
      expect(verifier().verify(standardHeaders(value), BODY).scheme).to.equal('standard');
      expect(rejection(() => verifier().verify(standardHeaders(`${bad} v2,${good.slice(3)}`), BODY)).reason).to.equal(
        'signature_mismatch',
      );
    });

    it('refuses a signature with the right bytes in another encoding (exact base64 only)', () => {
      const good = String(signedHeaders()['webhook-signature']).slice(3);
      const hex = Buffer.from(good, 'base64').toString('hex');
      const unpadded = good.replace(/=+$/, '');
      expect(rejection(() => verifier().verify(standardHeaders(`v1,${hex} v1,${unpadded}`), BODY)).reason).to.equal(
        'signature_mismatch',
      );
    });

    it('accepts every listed secret during a rotation, and no longer the old one once it is removed', () => {
      const oldSecret = 'ws_old_secret_being_rotated_out';
      const rotating = verifier({ secrets: [WS_SECRET, oldSecret] });
      expect(rotating.verify(signedHeaders(oldSecret), BODY).scheme).to.equal('standard');
      expect(rotating.verify(signedHeaders(WS_SECRET), BODY).scheme).to.equal('standard');
      expect(
        rejection(() => verifier({ secrets: [WS_SECRET] }).verify(signedHeaders(oldSecret), BODY)).reason,
      ).to.equal('signature_mismatch');
    });

    it('refuses to start without a usable secret', () => {
      expect(() => createWebhookVerifier({ secrets: [], acceptLegacy: false })).to.throw(/no usable webhook secret/);
      expect(() => createWebhookVerifier({ secrets: ['whsec_'], acceptLegacy: false })).to.throw(
        /no usable webhook secret/,
      );
    });
  });

  describe('timestamps', () => {
    it('refuses deliveries more than five minutes old or ahead with stale_timestamp (401), even correctly signed', () => {
      for (const offset of [-301, 301, -3600, 86_400]) {
        const headers = signedHeaders(WS_SECRET, { timestamp: NOW + offset });
        expect(
          rejection(() => verifier().verify(headers, BODY)),
          `offset ${offset}`,
        ).to.deep.equal({ reason: 'stale_timestamp', status: 401 });
      }
    });

    it('accepts deliveries just inside five minutes, either way', () => {
      for (const offset of [-300, -299, 299, 300]) {
        expect(verifier().verify(signedHeaders(WS_SECRET, { timestamp: NOW + offset }), BODY).timestamp).to.equal(
          NOW + offset,
        );
      }
    });

    it('refuses a timestamp that is not whole Unix seconds as malformed (400)', () => {
      for (const value of ['soon', '1.5', '-5', new Date(NOW_MS).toISOString(), '9'.repeat(13)]) {
        const headers = { ...signedHeaders(), 'webhook-timestamp': value };
        expect(
          rejection(() => verifier().verify(headers, BODY)),
          value,
        ).to.deep.equal({ reason: 'malformed_headers', status: 400 });
      }
    });
  });

  describe('headers', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      it(`refuses a delivery without ${name} with missing_headers (400)`, () => {
        const headers = signedHeaders();
        delete headers[name];
        expect(rejection(() => verifier().verify(headers, BODY))).to.deep.equal({
          reason: 'missing_headers',
          status: 400,
        });
        expect(rejection(() => verifier().verify({ ...signedHeaders(), [name]: '  ' }, BODY)).reason).to.equal(
          'missing_headers',
        );
      });
    }

    it('refuses a webhook-id the inbox could not key (too long or with spaces) as malformed (400)', () => {
      for (const id of ['m'.repeat(256), 'msg with space', 'msg_é']) {
        expect(rejection(() => verifier().verify(signedHeaders(WS_SECRET, { id }), BODY)).reason, id).to.equal(
          'malformed_headers',
        );
      }
      expect(verifier().verify(signedHeaders(WS_SECRET, { id: 'm'.repeat(255) }), BODY).scheme).to.equal('standard');
    });
  });

  describe('legacy v5 signatures (x-whop-signature)', () => {
    const legacy = (options: Partial<WebhookVerifierOptions> = {}) => verifier({ acceptLegacy: true, ...options });

    it('accepts t=…,v1=<hex HMAC of "t.body"> when enabled, with both secret forms', () => {
      expect(legacy().verify(legacyHeader(WS_SECRET, NOW, BODY), BODY)).to.deep.equal({
        scheme: 'legacy',
        timestamp: NOW,
      });
      expect(legacy({ secrets: [WHSEC_SECRET] }).verify(legacyHeader(WHSEC_SECRET, NOW, BODY), BODY).scheme).to.equal(
        'legacy',
      );
      const hex = createHmac('sha256', webhookKeyBytes(WS_SECRET)).update(`${NOW}.`).update(BODY).digest('hex');
      expect(legacy().verify({ 'x-whop-signature': `t=${NOW}, v1=${hex.toUpperCase()}` }, BODY).scheme).to.equal(
        'legacy',
      );
    });

    it('refuses a legacy delivery when legacy is off, as missing Standard Webhooks headers (400)', () => {
      expect(rejection(() => verifier().verify(legacyHeader(WS_SECRET, NOW, BODY), BODY))).to.deep.equal({
        reason: 'missing_headers',
        status: 400,
      });
    });

    it('refuses a tampered body or a wrong secret (401), a stale t (401) and a malformed header (400)', () => {
      const headers = legacyHeader(WS_SECRET, NOW, BODY);
      expect(rejection(() => legacy().verify(headers, Buffer.from(`${BODY.toString()} `)))).to.deep.equal({
        reason: 'signature_mismatch',
        status: 401,
      });
      expect(
        rejection(() => legacy().verify(legacyHeader('ws_some_other_secret_value', NOW, BODY), BODY)).reason,
      ).to.equal('signature_mismatch');
      expect(rejection(() => legacy().verify(legacyHeader(WS_SECRET, NOW - 301, BODY), BODY)).reason).to.equal(
        'stale_timestamp',
      );
      expect(legacy().verify(legacyHeader(WS_SECRET, NOW - 299, BODY), BODY).scheme).to.equal('legacy');
      for (const value of ['v1=abc', `t=${NOW}`, `t=${NOW},v1=nothex`, 'garbage']) {
        expect(rejection(() => legacy().verify({ 'x-whop-signature': value }, BODY)).reason, value).to.equal(
          'malformed_headers',
        );
      }
    });

    it('uses Standard Webhooks whenever its headers are present, even with legacy on', () => {
      const both = { ...signedHeaders(), ...legacyHeader(WS_SECRET, NOW, BODY) };
      expect(legacy().verify(both, BODY).scheme).to.equal('standard');
      const partial = { 'webhook-id': 'msg_1', ...legacyHeader(WS_SECRET, NOW, BODY) };
      expect(rejection(() => legacy().verify(partial, BODY)).reason).to.equal('missing_headers');
    });
  });
});
