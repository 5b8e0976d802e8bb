import { expect } from 'chai';
import { pino } from 'pino';
import { startTestSandbox } from '../support/sandbox-fixture.ts';
import type { TestSandbox } from '../support/sandbox-fixture.ts';
import { WebhookDeliveryService } from '../../src/webhooks/webhook-delivery-service.ts';
import { renderWebhook } from '../../src/webhooks/webhook-renderer.ts';
import { SandboxState } from '../../src/state/sandbox-state.ts';
import { createSeedData } from '../../src/state/seed.ts';
import { installOnCreatorOne } from '../support/installations.ts';
import { eventually, startWebhookListener, verifyWithStandardWebhooks } from '../support/webhook-listener.ts';
import type { WebhookListener } from '../support/webhook-listener.ts';
import { startSandboxWithListener } from '../support/sandbox-with-listener.ts';

async function controlPost(sandbox: TestSandbox, path: string, body: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/sandbox/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('sandbox webhook delivery', () => {
  let listener: WebhookListener;
  let sandbox: TestSandbox;

  afterEach(async () => {
    await sandbox?.close();
    await listener?.close();
  });

  it('delivers a v1 envelope that the standardwebhooks library verifies; a tampered body fails', async () => {
    ({ sandbox, listener } = await startSandboxWithListener({ installOnCreatorOne: true }));
    const secret = sandbox.options.app.webhookSecret;
    expect(secret).to.match(/^ws_/);

    const res = await controlPost(sandbox, '/memberships/mem_seedstudent1/status', { status: 'expired' });
    expect(res.status).to.equal(200);
    const [webhook] = await listener.waitFor(1);
    if (!webhook) throw new Error('no webhook received');

    expect(webhook.headers['webhook-id'] ?? '').to.match(/^msg_/);
    expect(webhook.headers['webhook-timestamp'] ?? '').to.match(/^\d{10}$/);
    expect(webhook.headers['webhook-signature'] ?? '').to.match(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(webhook.headers['content-type']).to.equal('application/json');

    const envelope = verifyWithStandardWebhooks(secret, webhook) as Record<string, unknown>;
    expect(envelope.type).to.equal('membership.deactivated');
    expect(envelope.api_version).to.equal('v1');
    expect(envelope.company_id).to.equal('biz_creator1');
    expect(String(envelope.id)).to.match(/^evt_/);
    expect(envelope.timestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const data = envelope.data as Record<string, unknown>;
    expect(data.id).to.equal('mem_seedstudent1');
    expect(data.status).to.equal('expired');

    // data is the membership exactly as the REST API returns it
    const rest = await fetch(`${sandbox.url}/api/v1/memberships/mem_seedstudent1`, {
      headers: { authorization: `Bearer ${sandbox.options.app.apiKey}` },
    });
    expect(await rest.json()).to.deep.equal(data);

    const tampered = { ...webhook, body: webhook.body.replace('"expired"', '"active"') };
    expect(() => verifyWithStandardWebhooks(secret, tampered)).to.throw();
    expect(() => verifyWithStandardWebhooks('ws_some_other_secret', webhook)).to.throw();
  });

  it('retries a failed attempt and logs both attempts with the same webhook-id', async () => {
    ({ sandbox, listener } = await startSandboxWithListener({
      statuses: [500],
      overrides: { webhookRetryDelaysMs: [0, 0] }, // the retry itself is proven, not its wait
    }));

    const res = await controlPost(sandbox, '/events', {
      type: 'resolution_center_case.created',
      company: 'biz_chronos',
      data: { id: 'rcc_1' },
    });
    const { events } = (await res.json()) as { events: Array<{ webhook_id: string; type: string }> };
    expect(events.map((e) => e.type)).to.deep.equal(['resolution_center_case.created']);

    const received = await listener.waitFor(2);
    expect(received[0]?.headers['webhook-id']).to.equal(received[1]?.headers['webhook-id']);
    verifyWithStandardWebhooks(sandbox.options.app.webhookSecret, received[1]!);

    const delivery = await eventually(() => {
      const d = sandbox.sandbox.core.deliveries.log.get(events[0]!.webhook_id);
      return d?.status === 'delivered' ? d : undefined;
    });
    expect(delivery.attempts.map((a) => [a.attempt, a.statusCode])).to.deep.equal([
      [1, 500],
      [2, 200],
    ]);
    expect(delivery.attempts[0]?.error).to.equal('HTTP 500');
    expect(delivery.attempts[0]?.url).to.equal(listener.url);
    expect(delivery.attempts[0]?.responseBodySnippet ?? '').to.match(/received/);
    for (const attempt of delivery.attempts) expect(attempt.responseTimeMs).to.be.at.least(0);

    const logged = await fetch(`${sandbox.url}/sandbox/api/deliveries`).then(
      (r) => r.json() as Promise<{ data: Array<{ id: string; attempts: unknown[] }> }>,
    );
    expect(logged.data.find((d) => d.id === delivery.id)?.attempts.length).to.equal(2);
  });

  it('gives up after the last retry and can resend by hand', async () => {
    ({ sandbox, listener } = await startSandboxWithListener({
      statuses: [503, 503],
      overrides: { webhookRetryDelaysMs: [0] },
    }));
    const res = await controlPost(sandbox, '/events', {
      type: 'resolution_center_case.created',
      company: 'biz_chronos',
      data: { id: 'rcc_2' },
    });
    expect(res.status).to.equal(201);
    const { events } = (await res.json()) as { events: Array<{ webhook_id: string }> };
    const id = events[0]!.webhook_id;
    await eventually(() => sandbox.sandbox.core.deliveries.log.get(id)?.status === 'failed');

    const resent = await controlPost(sandbox, `/deliveries/${id}/resend`, {});
    expect(resent.status).to.equal(202);
    await eventually(() => sandbox.sandbox.core.deliveries.log.get(id)?.status === 'delivered');
    expect(listener.received.length).to.equal(3);
    expect(listener.received.map((w) => w.headers['webhook-id'])).to.deep.equal([id, id, id]);
  });

  it('records the timeout or connection error of an unreachable endpoint', async () => {
    listener = await startWebhookListener();
    const unreachable = 'http://127.0.0.1:9/api/whop/webhook';
    sandbox = await startTestSandbox({ app: { webhookUrl: unreachable }, webhookRetryDelaysMs: [] });
    await installOnCreatorOne(sandbox);
    await controlPost(sandbox, '/memberships/mem_seedstudent1/status', { status: 'past_due' });
    const delivery = await eventually(() =>
      sandbox.sandbox.core.deliveries.log.list().find((d) => d.status === 'failed'),
    );
    expect(delivery.attempts.length).to.equal(1);
    expect(delivery.attempts[0]?.statusCode).to.equal(null);
    expect(delivery.attempts[0]?.error).to.be.a('string').and.have.length.above(0);
  });

  it('only records events when deliveries are turned off', async () => {
    ({ sandbox, listener } = await startSandboxWithListener({
      overrides: { deliverWebhooks: false },
      installOnCreatorOne: true,
    }));
    await controlPost(sandbox, '/memberships/mem_seedstudent1/status', { status: 'expired' });
    // Recorded as not sent when published, never scheduled: nothing can arrive later.
    const logged = sandbox.sandbox.core.deliveries.log.list();
    expect(logged.map((d) => [d.type, d.status])).to.deep.equal([
      ['membership.updated', 'not_sent'],
      ['membership.deactivated', 'not_sent'],
    ]);
    expect(listener.received.length).to.equal(0);
  });

  it('answers the API before a slow endpoint answers the webhook', async () => {
    ({ sandbox, listener } = await startSandboxWithListener({ installOnCreatorOne: true }));
    const answerWebhooks = listener.hold(); // the endpoint answers only when the test says so
    const res = await controlPost(sandbox, '/memberships/mem_seedstudent1/status', { status: 'expired' });
    expect(res.status, 'the control API answered while the webhook is unanswered').to.equal(200);
    await listener.waitFor(1);
    const statuses = sandbox.sandbox.core.deliveries.log.list().map((d) => d.status);
    expect(statuses).to.include('pending').and.not.include('delivered');
    answerWebhooks();
    await eventually(() => sandbox.sandbox.core.deliveries.log.list().every((d) => d.status === 'delivered'));
  });

  it('counts an endpoint that does not answer in time as failed, and close() cancels pending retries', async () => {
    listener = await startWebhookListener();
    listener.hold(); // it never answers
    // The attempt's timeout and the retry's wait fire when the test fires them, not after 100 ms.
    const scheduled: Array<{ ms: number; fire: () => void; cancelled: boolean }> = [];
    const schedule = (fire: () => void, ms: number) => {
      const entry = { ms, fire, cancelled: false };
      scheduled.push(entry);
      return () => void (entry.cancelled = true);
    };
    const state = new SandboxState(createSeedData());
    const service = new WebhookDeliveryService({
      state,
      render: (webhook, event) => renderWebhook({ state, origin: 'http://127.0.0.1' }, webhook, event),
      url: listener.url,
      secret: 'ws_x',
      retryDelaysMs: [60_000],
      enabled: true,
      logger: pino({ level: 'silent' }),
      timeoutMs: 100,
      schedule,
    });
    const [delivery] = service.publish('payment.created', 'biz_chronos', { kind: 'raw', data: { id: 'pay_x' } });
    if (!delivery) throw new Error('no delivery');
    expect(delivery.status).to.equal('pending');
    await listener.waitFor(1);
    const timeout = scheduled.find((s) => s.ms === 100)!;
    expect(delivery.status, 'unanswered, before its time is up').to.equal('pending');
    timeout.fire();
    await eventually(() => delivery.status === 'retrying');
    expect(delivery.attempts[0]?.statusCode).to.equal(null);
    expect(delivery.attempts[0]?.error ?? '').to.match(/timed out after 100 ms/);
    const retry = scheduled.find((s) => s.ms === 60_000)!;
    expect(retry.cancelled).to.equal(false);
    await service.close();
    expect(retry.cancelled, 'close() cancels the pending retry').to.equal(true);
    expect(delivery.attempts.length).to.equal(1);
  });
});
