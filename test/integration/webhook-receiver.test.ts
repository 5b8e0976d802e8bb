import { expect } from 'chai';
import request, { type Response } from 'supertest';
import { createHmac, randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { pino } from 'pino';
import { QueryTypes, type Sequelize } from 'sequelize';
import { Webhook } from 'standardwebhooks';
import { createApp } from '../../src/app.ts';
import { createSequelize } from '../../src/db/database.ts';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { ensureInstalled } from '../support/onboarding.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { createWebhookInbox } from '../../src/services/webhooks/webhook-inbox.ts';
import { eventually } from '../support/wait.ts';
import { logRecords } from '../support/log-records.ts';

const URL_PATH = '/api/whop/webhook';
const SECRET = 'ws_receiver_test_current_secret';
const OLD_SECRET = 'ws_receiver_test_previous_secret';
const WHSEC_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const MIB = 1024 * 1024;

interface Row {
  id: string;
  type: string;
  company_id: string | null;
  payload: Record<string, unknown>;
  status: string;
}

let sequence = 0;
const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(sequence += 1)}`;
/** The receiver's clock in these tests: it stands still, so a delivery stamped 301 s off stays 301 s off however slow the run. */
const SIGNING_TIME_MS = Date.now();
const nowSeconds = () => Math.floor(SIGNING_TIME_MS / 1000);

function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: nextId('evt'),
    type: 'membership.activated',
    api_version: 'v1',
    timestamp: new Date().toISOString(),
    company_id: 'biz_creator1',
    data: { id: nextId('mem'), status: 'active', user: { id: 'user_student1' }, product: { id: 'prod_course1' } },
    ...overrides,
  };
}

/** Standard Webhooks headers, signed by the `standardwebhooks` library (key given as base64). */
function signed(
  body: string,
  options: { secret?: string; id?: string; timestamp?: number } = {},
): Record<string, string> {
  const secret = options.secret ?? SECRET;
  const id = options.id ?? nextId('msg');
  const timestamp = options.timestamp ?? nowSeconds();
  const key = secret.startsWith('whsec_')
    ? secret.slice('whsec_'.length)
    : Buffer.from(secret, 'utf8').toString('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new Webhook(key).sign(id, new Date(timestamp * 1000), body),
  };
}

/** A legacy v5 `x-whop-signature: t=…,v1=<hex>`, computed by hand as Whop's v5 did. */
function legacySigned(body: string, options: { secret?: string; t?: number } = {}): Record<string, string> {
  const t = options.t ?? nowSeconds();
  const hex = createHmac('sha256', Buffer.from(options.secret ?? SECRET, 'utf8'))
    .update(`${t}.${body}`)
    .digest('hex');
  return { 'x-whop-signature': `t=${t},v1=${hex}` };
}

function deliver(app: Express, body: string | Buffer, headers: Record<string, string>): Promise<Response> {
  return request(app).post(URL_PATH).set('content-type', 'application/json').set(headers).send(body);
}

function rows(sequelize: Sequelize): Promise<Row[]> {
  return sequelize.query<Row>(
    'SELECT id, type, company_id, payload, status FROM webhook_events ORDER BY received_at, id',
    { type: QueryTypes.SELECT },
  );
}

/** A bare-status refusal: the status, no body, no cookie. */
function expectRefused(response: Response, status: number): void {
  expect(response.status, response.text).to.equal(status);
  expect(response.text).to.equal('');
  expect(response.headers['content-type']).to.equal(undefined);
  expect(response.headers['set-cookie']).to.equal(undefined);
}

async function withApp<T>(env: Record<string, string>, use: (app: TestApp) => Promise<T>): Promise<T> {
  const app = await startTestApp(env, { now: () => SIGNING_TIME_MS });
  try {
    return await use(app);
  } finally {
    await app.close();
  }
}

describe('webhook receiver POST /api/whop/webhook', () => {
  let t: TestApp;
  const stored = () => rows(t.runtime.deps.sequelize);
  const expectNothingStored = async () => expect(await stored()).to.deep.equal([]);

  before(async () => {
    // Two secrets (a rotation in progress) and rate limits far below what the tests send.
    t = await startTestApp(
      {
        WHOP_WEBHOOK_SECRET: `${SECRET},${OLD_SECRET}`,
        AUTH_RATE_LIMIT_PER_MINUTE: '2',
        API_RATE_LIMIT_PER_MINUTE: '2',
      },
      { now: () => SIGNING_TIME_MS },
    );
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  describe('accepted deliveries', () => {
    it('stores a correctly signed event as one pending inbox row keyed by webhook-id, then answers 200 {received:true}', async () => {
      const event = envelope();
      const body = JSON.stringify(event);
      const headers = signed(body);
      const response = await deliver(t.app, body, headers);
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({ received: true });
      expect(await stored()).to.deep.equal([
        {
          id: headers['webhook-id'],
          type: 'membership.activated',
          company_id: 'biz_creator1',
          payload: event,
          status: 'pending',
        },
      ]);
    });

    it('takes the company from data when the envelope has none', async () => {
      const event = envelope({
        company_id: null,
        data: { id: 'pay_1', company: { id: 'biz_creator2' } },
        type: 'payment.succeeded',
      });
      const body = JSON.stringify(event);
      expect((await deliver(t.app, body, signed(body))).status).to.equal(200);
      const [row] = await stored();
      expect(row).to.include({ type: 'payment.succeeded', company_id: 'biz_creator2' });
      expect(row!.payload).to.deep.equal({ ...event, company_id: 'biz_creator2' });
    });

    it('reads the body raw whatever its content type, and stores it even when sent as text/plain', async () => {
      const body = JSON.stringify(envelope());
      const response = await request(t.app)
        .post(URL_PATH)
        .set('content-type', 'text/plain')
        .set(signed(body))
        .send(body);
      expect(response.status).to.equal(200);
      expect(await stored()).to.have.length(1);
    });

    it('accepts a header with several signatures when one of them is valid', async () => {
      const body = JSON.stringify(envelope());
      const headers = signed(body);
      const forged = signed(body, {
        secret: 'ws_not_our_secret_at_all',
        id: headers['webhook-id'],
        timestamp: Number(headers['webhook-timestamp']),
      });
      headers['webhook-signature'] =
        `${forged['webhook-signature']} v1,${randomBytes(32).toString('base64')} ${headers['webhook-signature']}`;
      expect((await deliver(t.app, body, headers)).status).to.equal(200);
      expect(await stored()).to.have.length(1);
    });

    it('accepts both the new and the old secret while both are listed, and only the new one after the old is removed', async () => {
      for (const secret of [SECRET, OLD_SECRET]) {
        const body = JSON.stringify(envelope());
        expect((await deliver(t.app, body, signed(body, { secret }))).status, secret).to.equal(200);
      }
      expect(await stored()).to.have.length(2);
      await withApp({ WHOP_WEBHOOK_SECRET: SECRET }, async (rotated) => {
        const body = JSON.stringify(envelope());
        expectRefused(await deliver(rotated.app, body, signed(body, { secret: OLD_SECRET })), 401);
        expect((await deliver(rotated.app, body, signed(body, { secret: SECRET }))).status).to.equal(200);
      });
      expect(await stored()).to.have.length(3);
    });

    it('accepts a whsec_ secret (base64 after the prefix), and refuses signatures made with its text as the key', async () => {
      await withApp({ WHOP_WEBHOOK_SECRET: WHSEC_SECRET }, async (app) => {
        const body = JSON.stringify(envelope());
        const [id, timestamp] = [nextId('msg'), String(nowSeconds())];
        const textKeyed = createHmac('sha256', Buffer.from(WHSEC_SECRET, 'utf8'))
          .update(`${id}.${timestamp}.${body}`)
          .digest('base64');
        const asText = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${textKeyed}` };
        expectRefused(await deliver(app.app, body, asText), 401);
        expect((await deliver(app.app, body, signed(body, { secret: WHSEC_SECRET }))).status).to.equal(200);
      });
      expect(await stored()).to.have.length(1);
    });

    it('accepts timestamps just inside five minutes, in the past and in the future', async () => {
      for (const offset of [-290, 290]) {
        const body = JSON.stringify(envelope());
        expect(
          (await deliver(t.app, body, signed(body, { timestamp: nowSeconds() + offset }))).status,
          String(offset),
        ).to.equal(200);
      }
      expect(await stored()).to.have.length(2);
    });

    it('accepts a body of exactly 1 MiB', async () => {
      const event = envelope({ data: { id: 'mem_big', padding: '' } });
      const padding = MIB - Buffer.byteLength(JSON.stringify(event));
      const body = JSON.stringify({ ...event, data: { id: 'mem_big', padding: 'x'.repeat(padding) } });
      expect(Buffer.byteLength(body)).to.equal(MIB);
      expect((await deliver(t.app, body, signed(body))).status).to.equal(200);
      expect(await stored()).to.have.length(1);
    });
  });

  describe('refused deliveries (a bare status, nothing stored)', () => {
    it('401 for a tampered body', async () => {
      const body = JSON.stringify(envelope());
      expectRefused(await deliver(t.app, body.replace('user_student1', 'user_attacker'), signed(body)), 401);
      await expectNothingStored();
    });

    it('401 for a signature made with a secret that is not configured', async () => {
      const body = JSON.stringify(envelope());
      expectRefused(await deliver(t.app, body, signed(body, { secret: 'ws_not_our_secret_at_all' })), 401);
      await expectNothingStored();
    });

    it('401 for a timestamp more than five minutes old or ahead, though correctly signed', async () => {
      for (const offset of [-301, 301, -3600, 3600]) {
        const body = JSON.stringify(envelope());
        expectRefused(await deliver(t.app, body, signed(body, { timestamp: nowSeconds() + offset })), 401);
      }
      await expectNothingStored();
    });

    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      it(`400 without the ${header} header`, async () => {
        const body = JSON.stringify(envelope());
        const headers = signed(body);
        delete headers[header];
        expectRefused(await deliver(t.app, body, headers), 400);
        await expectNothingStored();
      });
    }

    it('400 for a correctly signed body that is not JSON', async () => {
      for (const body of ['type=membership.activated', '{"type": "membership.activated", ', '']) {
        expectRefused(await deliver(t.app, body, signed(body)), 400);
      }
      await expectNothingStored();
    });

    it('400 for correctly signed JSON that is not an event envelope', async () => {
      const notEnvelopes = [
        [envelope()],
        { id: 'evt_1', data: {} },
        envelope({ type: 'Membership Activated' }),
        envelope({ data: 'mem_1' }),
        envelope({ data: null }),
        { action: 'membership.went_valid', data: {} },
      ];
      for (const value of notEnvelopes) {
        const body = JSON.stringify(value);
        expectRefused(await deliver(t.app, body, signed(body)), 400);
      }
      await expectNothingStored();
    });

    it('413 for a body over 1 MiB, before any other check', async () => {
      const body = JSON.stringify(envelope({ data: { padding: 'x'.repeat(MIB) } }));
      expectRefused(await deliver(t.app, body, signed(body)), 413);
      expectRefused(await deliver(t.app, body, {}), 413);
      await expectNothingStored();
    });

    it('405 for other methods on the webhook URL', async () => {
      const response = await request(t.app).get(URL_PATH);
      expectRefused(response, 405);
      expect(response.headers.allow).to.equal('POST');
    });
  });

  describe('the inbox', () => {
    it('answers 200 {received, duplicate} to a repeated webhook-id and leaves the stored row as it was', async () => {
      const first = envelope();
      const id = nextId('msg');
      const body = JSON.stringify(first);
      expect((await deliver(t.app, body, signed(body, { id }))).body).to.deep.equal({ received: true });
      const [before] = await stored();
      const other = JSON.stringify(envelope({ type: 'membership.deactivated' }));
      for (const [again, at] of [
        [body, nowSeconds() + 2],
        [other, nowSeconds()],
      ] as const) {
        const response = await deliver(t.app, again, signed(again, { id, timestamp: at }));
        expect(response.status).to.equal(200);
        expect(response.body).to.deep.equal({ received: true, duplicate: true });
      }
      expect(await stored()).to.deep.equal([before]);
      expect(before!.payload).to.deep.equal(first);
    });

    it('stores exactly one row when 20 deliveries of one event arrive at once', async () => {
      const body = JSON.stringify(envelope());
      const headers = signed(body);
      const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(t.app, body, headers)));
      expect(responses.map((r) => r.status)).to.deep.equal(Array(20).fill(200));
      expect(responses.filter((r) => r.body.duplicate !== true)).to.have.length(1);
      expect(await stored()).to.have.length(1);
    });

    it('answers 503 when the database is unavailable, stores nothing, logs no secret, and stores the retry once when it is back', async () => {
      const dead = createSequelize('postgres://postgres@127.0.0.1:1/none', pino({ level: 'silent' }));
      const down = createApp({
        ...t.runtime.deps,
        services: { ...t.runtime.deps.services, webhookInbox: createWebhookInbox({ sequelize: dead }) },
      });
      const body = JSON.stringify(envelope({ data: { id: 'mem_503', note: 'body-marker-503' } }));
      const headers = signed(body);
      const logStart = t.logLines.length;
      try {
        const response = await deliver(down, body, headers);
        expectRefused(response, 503);
        expect(response.headers['retry-after']).to.match(/^\d+$/);
      } finally {
        await dead.close();
      }
      await expectNothingStored();
      const log = t.logLines.slice(logStart).join('');
      const failure = logRecords(t.logLines.slice(logStart)).find(
        (r) => r.webhookId === headers['webhook-id'] && r.level === 50,
      );
      expect(failure, 'an error record of this delivery').to.not.equal(undefined);
      expect(failure!.msg).to.include('the inbox insert failed');
      expect(failure!.cause).to.include({ type: 'SequelizeConnectionRefusedError' });
      for (const secretThing of ['body-marker-503', headers['webhook-signature']!.slice(3), SECRET, OLD_SECRET])
        expect(log).not.to.include(secretThing);

      // Whop retries the same delivery (same id, fresh signature) once the database answers again.
      const retry = () => deliver(t.app, body, signed(body, { id: headers['webhook-id'] }));
      expect((await retry()).body).to.deep.equal({ received: true });
      expect((await retry()).body).to.deep.equal({ received: true, duplicate: true });
      expect((await stored()).map((r) => r.id)).to.deep.equal([headers['webhook-id']]);
    });
  });

  describe('legacy v5 deliveries (x-whop-signature)', () => {
    const v5 = () =>
      JSON.stringify({
        action: 'membership.went_valid',
        data: { id: nextId('mem'), company_id: 'biz_creator1', user_id: 'user_student1' },
      });

    it('are refused with 400 (no Standard Webhooks headers) while legacy is off', async () => {
      const body = v5();
      expectRefused(await deliver(t.app, body, legacySigned(body)), 400);
      await expectNothingStored();
    });

    it('are stored in the v1 shape when WHOP_LEGACY_WEBHOOKS is on; a repeat of the same body is a duplicate; tampered ones are refused', async () => {
      await withApp({ WHOP_LEGACY_WEBHOOKS: 'on', WHOP_WEBHOOK_SECRET: SECRET }, async (legacy) => {
        const body = v5();
        const t0 = nowSeconds();
        expect((await deliver(legacy.app, body, legacySigned(body, { t: t0 }))).body).to.deep.equal({ received: true });
        expect((await deliver(legacy.app, body, legacySigned(body, { t: t0 + 1 }))).body).to.deep.equal({
          received: true,
          duplicate: true,
        });
        expectRefused(
          await deliver(legacy.app, body.replace('user_student1', 'user_attacker'), legacySigned(body)),
          401,
        );
        expectRefused(await deliver(legacy.app, body, legacySigned(body, { secret: 'ws_not_our_secret_at_all' })), 401);
        expectRefused(await deliver(legacy.app, body, legacySigned(body, { t: t0 - 400 })), 401);
        const standard = JSON.stringify(envelope());
        expect((await deliver(legacy.app, standard, signed(standard))).status).to.equal(200);

        const [row, second, ...rest] = await rows(legacy.runtime.deps.sequelize);
        expect(rest).to.have.length(0);
        expect(second!.type).to.equal('membership.activated');
        expect(row!.id).to.match(/^v5_[0-9a-f]{32}$/);
        // The row carries the canonical name; the payload keeps the action as sent.
        expect(row).to.include({ type: 'membership.activated', company_id: 'biz_creator1', status: 'pending' });
        expect(row!.payload).to.deep.equal({
          id: row!.id,
          type: 'membership.went_valid',
          api_version: 'v5',
          timestamp: new Date(t0 * 1000).toISOString(),
          company_id: 'biz_creator1',
          data: JSON.parse(body).data,
        });
      });
    });
  });

  describe('isolation from the rest of the app', () => {
    it('never creates a session: no Set-Cookie on accepted, duplicate or refused deliveries, even with a cookie sent', async () => {
      const body = JSON.stringify(envelope());
      const headers = signed(body);
      const responses = [
        await deliver(t.app, body, headers),
        await deliver(t.app, body, headers),
        await deliver(t.app, body, { ...headers, 'webhook-signature': 'v1,forged' }),
        await request(t.app).post(URL_PATH).set('cookie', 'chronos.sid=s%3Aforged.sig').set(signed(body)).send(body),
      ];
      expect(responses.map((r) => r.status)).to.deep.equal([200, 200, 401, 200]);
      for (const response of responses) expect(response.headers['set-cookie']).to.equal(undefined);
    });

    it('is not rate limited: far more deliveries than any limit allows are all accepted', async () => {
      const responses: Response[] = [];
      for (let i = 0; i < 12; i += 1) {
        const body = JSON.stringify(envelope());
        responses.push(await deliver(t.app, body, signed(body)));
      }
      expect(responses.map((r) => r.status)).to.deep.equal(Array(12).fill(200));
      for (const response of responses)
        expect(Object.keys(response.headers).filter((h) => h.startsWith('ratelimit'))).to.deep.equal([]);
      expect(await stored()).to.have.length(12);
    });

    it('never logs the signature, the secrets or the body', async () => {
      const logStart = t.logLines.length;
      const body = JSON.stringify(envelope({ data: { id: 'mem_log', note: 'body-marker-log' } }));
      const headers = signed(body);
      await deliver(t.app, body, headers);
      await deliver(t.app, body, { ...headers, 'webhook-signature': 'v1,Zm9yZ2VkLXNpZ25hdHVyZS1tYXJrZXI=' });
      await deliver(t.app, 'not-json-marker', signed('not-json-marker'));
      const log = t.logLines.slice(logStart).join('');
      expect(log).to.include(URL_PATH);
      for (const secretThing of [
        headers['webhook-signature']!.slice(3),
        'Zm9yZ2VkLXNpZ25hdHVyZS1tYXJrZXI=',
        SECRET,
        OLD_SECRET,
        'body-marker-log',
        'not-json-marker',
      ]) {
        expect(log).not.to.include(secretThing);
      }
    });
  });
});

describe('webhook receiver with the Whop sandbox (signed deliveries end to end)', () => {
  let t: ChronosWithSandbox;
  before(async () => {
    t = await startChronosWithSandbox();
    // App webhooks carry only the events of companies that installed the app.
    await ensureInstalled(t, 'biz_creator1', 'user_creator_free');
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  async function sandbox<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${t.sandbox.url}/sandbox/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.ok, `${method} ${path}: ${response.status}`).to.equal(true);
    return (await response.json()) as T;
  }

  interface Delivery {
    status: string;
    body: string;
    attempts: { status_code: number | null }[];
  }

  async function storedAndDelivered(webhookId: string): Promise<{ row: Row; delivery: Delivery }> {
    const row = await eventually(async () => (await rows(t.runtime.deps.sequelize)).find((r) => r.id === webhookId), {
      what: `inbox row ${webhookId}`,
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    const delivery = await eventually(
      async () => {
        const d = await sandbox<Delivery>('GET', `/deliveries/${webhookId}`);
        return d.status === 'delivered' ? d : undefined;
      },
      { what: `delivery ${webhookId} to be marked delivered`, timeoutMs: 10_000, intervalMs: 50 },
    );
    return { row, delivery };
  }

  it('stores an event fired from the control API and the sandbox logs the delivery as 200', async () => {
    const fired = await sandbox<{ events: { id: string; type: string; webhook_id: string }[] }>('POST', '/events', {
      type: 'membership.activated',
      user: 'user_student2',
      product: 'prod_course1',
    });
    const [event] = fired.events;
    expect(event).to.include({ type: 'membership.activated' });
    const { row, delivery } = await storedAndDelivered(event!.webhook_id);
    expect(row).to.include({ type: 'membership.activated', company_id: 'biz_creator1' });
    expect(row.payload).to.deep.equal(JSON.parse(delivery.body));
    expect(row.payload).to.include({ id: event!.id, api_version: 'v1' });
    expect(delivery.attempts.map((a) => a.status_code)).to.deep.equal([200]);
  });

  it("never touches a signed-in browser's session: no Set-Cookie, though the same cookie rolls the session elsewhere", async () => {
    const browser = await t.signIn('user_student1');
    const event = envelope();
    const headers = signed(JSON.stringify(event), { secret: t.config.whop.webhookSecrets[0] });
    const response = await browser.request(`${t.appUrl}${URL_PATH}`, { method: 'POST', json: event, headers });
    expect(response.status).to.equal(200);
    expect(response.headers.get('set-cookie')).to.equal(null);
    expect((await rows(t.runtime.deps.sequelize)).map((r) => r.id)).to.deep.equal([headers['webhook-id']]);
    const me = await browser.get(`${t.appUrl}/api/me`);
    expect(me.status).to.equal(200);
    expect(me.headers.get('set-cookie'), 'the control: a session route does roll the cookie').to.match(
      /^chronos\.sid=/,
    );
  });

  it('stores the event of a membership created through the control API, once, even when the sandbox resends it', async () => {
    const user = await t.control.createUser(`webhook_${Date.now().toString(36)}`);
    await t.control.createMembership(user, 'prod_course2');
    const deliveries = await sandbox<{ data: { id: string; type: string; body: string }[] }>('GET', '/deliveries');
    const created = deliveries.data.find((d) => JSON.stringify(JSON.parse(d.body).data).includes(user));
    expect(created, 'a delivery about the new membership').to.not.equal(undefined);
    const { row } = await storedAndDelivered(created!.id);
    expect(row.company_id).to.equal('biz_creator2');

    await sandbox('POST', `/deliveries/${created!.id}/resend`, {});
    await eventually(
      async () => {
        const d = await sandbox<Delivery>('GET', `/deliveries/${created!.id}`);
        return d.attempts.length === 2 && d.status === 'delivered' ? d : undefined;
      },
      { what: 'the resend to be delivered', timeoutMs: 10_000, intervalMs: 50 },
    );
    expect((await rows(t.runtime.deps.sequelize)).filter((r) => r.id === created!.id)).to.have.length(1);
  });
});
