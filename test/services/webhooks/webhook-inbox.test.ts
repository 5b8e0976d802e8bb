import { expect } from 'chai';
import { pino } from 'pino';
import { QueryTypes } from 'sequelize';
import { createSequelize } from '../../../src/db/database.ts';
import { createWebhookInbox, type WebhookInbox } from '../../../src/services/webhooks/webhook-inbox.ts';
import type { InboxEvent } from '../../../src/services/whop/webhook-envelope.ts';
import { capturingLogger, startTestApp, testDatabase, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';

interface Row {
  id: string;
  type: string;
  company_id: string | null;
  payload: Record<string, unknown>;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  received_at: Date;
  processed_at: Date | null;
  last_error: string | null;
}

function event(overrides: Partial<InboxEvent> = {}): InboxEvent {
  const type = overrides.type ?? 'membership.activated';
  return {
    id: 'msg_inbox_1',
    type,
    companyId: 'biz_creator1',
    payload: {
      id: 'evt_1',
      type,
      api_version: 'v1',
      timestamp: '2026-03-15T12:00:00.000Z',
      company_id: 'biz_creator1',
      data: { id: 'mem_1', amount: 12.5, nested: { list: [1, 'two', null] } },
    },
    ...overrides,
  };
}

describe('webhook inbox', () => {
  let t: TestApp;
  let inbox: WebhookInbox;
  const rows = () =>
    t.runtime.deps.sequelize.query<Row>('SELECT * FROM webhook_events ORDER BY received_at, id', {
      type: QueryTypes.SELECT,
    });

  before(async () => {
    t = await startTestApp();
    inbox = createWebhookInbox({ sequelize: t.runtime.deps.sequelize });
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  it('stores an event as a pending row, due now, with the envelope as its payload', async () => {
    const before = Date.now();
    expect(await inbox.store(event())).to.equal('stored');
    const [row, ...others] = await rows();
    expect(others).to.have.length(0);
    expect(row).to.include({
      id: 'msg_inbox_1',
      type: 'membership.activated',
      company_id: 'biz_creator1',
      status: 'pending',
      attempts: 0,
      processed_at: null,
      last_error: null,
    });
    expect(row!.payload).to.deep.equal(event().payload);
    for (const at of [row!.next_attempt_at, row!.received_at])
      expect(new Date(at).getTime()).to.be.within(before - 5_000, Date.now() + 5_000);
  });

  it('stores an event due at the instant of its clock, so the worker claims it at once', async () => {
    // The database's now() has microseconds, the queue's clock milliseconds: an event stored by now()
    // was "not yet due" to a drain in the same millisecond. A clock behind the database's shows it every time.
    const instant = Date.now() - 60_000;
    const lagging = await startTestApp({}, { now: () => instant });
    try {
      const { webhookInbox, webhooks } = lagging.runtime.deps.services;
      await webhookInbox.store(event({ payload: { type: 'membership.activated', company_id: null, data: {} } }));
      expect(new Date((await rows())[0]!.next_attempt_at).getTime()).to.equal(instant);
      const run = await webhooks.runOnce(10);
      expect(run.processed + run.failed + run.dead).to.equal(1);
      expect((await rows())[0]!.status).not.to.equal('pending');
    } finally {
      await lagging.close();
    }
  });

  it('stores an event without a company', async () => {
    expect(await inbox.store(event({ companyId: null }))).to.equal('stored');
    expect((await rows())[0]!.company_id).to.equal(null);
  });

  it('answers duplicate for an id it already holds and changes nothing of the stored row', async () => {
    await inbox.store(event());
    const [first] = await rows();
    const again = event({
      type: 'membership.deactivated',
      companyId: 'biz_other',
      payload: { type: 'membership.deactivated', company_id: 'biz_other', data: {} },
    });
    expect(await inbox.store(again)).to.equal('duplicate');
    expect(await rows()).to.deep.equal([first]);
  });

  it('does not reset an event the worker has already moved on', async () => {
    await inbox.store(event());
    await t.runtime.deps.sequelize.query(
      "UPDATE webhook_events SET status = 'processed', attempts = 1, processed_at = now()",
    );
    expect(await inbox.store(event())).to.equal('duplicate');
    expect((await rows())[0]).to.include({ status: 'processed', attempts: 1 });
  });

  it('stores exactly one row when the same event arrives many times at once', async () => {
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => inbox.store(event())));
    expect(outcomes.filter((o) => o === 'stored')).to.have.length(1);
    expect(outcomes.filter((o) => o === 'duplicate')).to.have.length(19);
    expect(await rows()).to.have.length(1);
  });

  it('keeps the payload out of every log line, even at trace level (bind parameters, driver-level query)', async () => {
    const { logger, lines } = capturingLogger('trace');
    const traced = createSequelize((await testDatabase()).url, logger);
    try {
      await createWebhookInbox({ sequelize: traced }).store(
        event({ payload: { type: 'membership.activated', company_id: null, data: { marker: 'payload-marker-7731' } } }),
      );
    } finally {
      await traced.close();
    }
    expect(lines.join('')).not.to.include('payload-marker-7731');
    expect((await rows())[0]!.payload).to.deep.include({ data: { marker: 'payload-marker-7731' } });
  });

  it('rejects when the database does not answer, so the receiver can answer 503', async () => {
    const dead = createSequelize('postgres://postgres@127.0.0.1:1/none', pino({ level: 'silent' }));
    try {
      let failure: unknown;
      await createWebhookInbox({ sequelize: dead })
        .store(event())
        .catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(Error);
    } finally {
      await dead.close();
    }
    expect(await rows()).to.have.length(0);
  });
});
