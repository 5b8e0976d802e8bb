/**
 * The admin's inspection pages over real HTTP (issue 18): the webhook event list filtered and
 * paged (bad filters get a clear 400, never a 500), an event's page with its error in words and
 * the raw error one click away, a replay that leads to the event's page and shows how it ended
 * (an event that can never succeed says so), counted nouns ("1 company"), the creators past
 * due, and a creator's page (404 for an unknown one). Every page is private (no-store) and
 * every state change needs the CSRF token.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { formField, type TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { makeFactories } from '../support/factories.ts';
import { EVENTS_PER_PAGE } from '../../src/services/admin/webhook-event-list-query.ts';

describe('admin inspection pages', function () {
  this.timeout(120_000);
  let t: ChronosWithSandbox;
  let admin: TestBrowser;

  before(async () => {
    t = await startChronosWithSandbox();
  });
  after(() => t.close());
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    admin = await t.signIn('user_admin');
  });

  let sequence = 0;
  async function storeEvent(fields: {
    type?: string;
    status?: string;
    company?: string;
    data?: unknown;
    lastError?: string | null;
    outcome?: string | null;
    receivedAt?: Date;
  }): Promise<string> {
    sequence += 1;
    const id = `msg_inspect${sequence}`;
    const type = fields.type ?? 'membership.activated';
    const company = fields.company ?? 'biz_nobody';
    const payload = {
      id,
      type,
      api_version: 'v1',
      timestamp: new Date().toISOString(),
      company_id: company,
      data: fields.data ?? {},
    };
    await t.runtime.deps.sequelize.query(
      `INSERT INTO webhook_events (id, type, company_id, payload, status, attempts, next_attempt_at, received_at, last_error, outcome)
       VALUES (:id, :type, :company, CAST(:payload AS jsonb), :status, :attempts, now(), :receivedAt, :lastError, :outcome)`,
      {
        replacements: {
          id,
          type,
          company,
          payload: JSON.stringify(payload),
          status: fields.status ?? 'processed',
          attempts: fields.status === 'dead' ? 5 : 1,
          receivedAt: fields.receivedAt ?? new Date(Date.now() - sequence * 1000),
          lastError: fields.lastError ?? null,
          outcome: fields.outcome ?? null,
        },
        type: QueryTypes.INSERT,
      },
    );
    return id;
  }
  const named = async (whopCompanyId: string, companyName: string) =>
    (await makeFactories(t.runtime.deps.models).creator({ whopCompanyId })).update({ companyName });
  const rowsOf = (html: string) => [...html.matchAll(/<tr data-event="([^"]+)">/g)].map((m) => m[1]!);
  const drain = async () => {
    for (let i = 0; i < 10; i += 1) {
      const r = await t.runtime.deps.services.webhooks.runOnce(10);
      if (r.processed + r.failed + r.dead + r.lost === 0) return;
    }
  };

  describe('/admin/webhooks: the event list', () => {
    it('filters by status and by type, and says how many match', async () => {
      const dead = await storeEvent({ status: 'dead', lastError: 'PermanentEventError: data is not a membership: id' });
      const paid = await storeEvent({ type: 'payment.succeeded', outcome: 'payment stored' });
      const joined = await storeEvent({ outcome: 'student user_x of creator 1: new → active' });
      const all = await admin.get(`${t.appUrl}/admin/webhooks`);
      expect(all.status).to.equal(200);
      expect(all.headers.get('cache-control')).to.contain('no-store');
      expect(rowsOf(all.text)).to.have.members([dead, paid, joined]);
      expect(all.text).to.contain('3 events.');
      const deadOnly = await admin.get(`${t.appUrl}/admin/webhooks?status=dead`);
      expect(rowsOf(deadOnly.text)).to.deep.equal([dead]);
      expect(deadOnly.text).to.contain('1 event matches the filter');
      const payments = await admin.get(`${t.appUrl}/admin/webhooks?type=payment.succeeded`);
      expect(rowsOf(payments.text)).to.deep.equal([paid]);
      const none = await admin.get(`${t.appUrl}/admin/webhooks?status=dead&type=payment.succeeded`);
      expect(rowsOf(none.text)).to.deep.equal([]);
      expect(none.text).to.contain('No event matches these filters.');
    });

    it('pages newest first, without overlap, and sends a page past the last to the last', async () => {
      const ids: string[] = [];
      for (let i = 0; i < EVENTS_PER_PAGE + 3; i += 1)
        ids.push(await storeEvent({ outcome: `event ${i}`, receivedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)) }));
      const newestFirst = [...ids].reverse();
      const first = await admin.get(`${t.appUrl}/admin/webhooks`);
      expect(rowsOf(first.text)).to.deep.equal(newestFirst.slice(0, EVENTS_PER_PAGE));
      expect(first.text).to.contain('Page 1 of 2');
      expect(first.text).to.contain('href="/admin/webhooks?page=2#recent"');
      const second = await admin.get(`${t.appUrl}/admin/webhooks?page=2`);
      expect(rowsOf(second.text)).to.deep.equal(newestFirst.slice(EVENTS_PER_PAGE));
      expect(rowsOf((await admin.get(`${t.appUrl}/admin/webhooks?page=99`)).text)).to.deep.equal(
        newestFirst.slice(EVENTS_PER_PAGE),
      );
    });

    for (const [query, message, field] of [
      [
        'status=exploded',
        'Unknown status filter. Choose one of: pending, processing, processed, skipped, ignored, dead.',
        'filter-status',
      ],
      ['type=%3Cscript%3E', 'The type filter must be an event type such as membership.activated.', 'filter-type'],
      ['page=0', 'The page must be a whole number from 1.', null],
      ['page=abc', 'The page must be a whole number from 1.', null],
      ['status=dead&status=pending', 'Give the status filter once, with one value.', 'filter-status'],
      ['type=a.b&type=c.d', 'Give the type filter once, with one value.', 'filter-type'],
    ] as const) {
      it(`answers ?${query} with a clear 400 on the list page${field ? `, said next to #${field}` : ''}`, async () => {
        const response = await admin.get(`${t.appUrl}/admin/webhooks?${query}`);
        expect(response.status).to.equal(400);
        expect(response.text).to.contain('<h2 id="recent-heading">Events</h2>');
        if (field) {
          expect(response.text).to.match(
            new RegExp(`<select id="${field}" name="\\w+" aria-invalid="true" aria-describedby="${field}-error">`),
          );
          expect(response.text).to.contain(`<p class="field-error" id="${field}-error">${message}</p>`);
          expect(response.text).not.to.contain('role="alert"');
        } else {
          expect(response.text).to.match(
            new RegExp(`<div class="notice notice-error" role="alert" tabindex="-1">${message}`),
          );
          expect(response.text).not.to.contain('aria-invalid');
        }
      });
    }

    it('says "1 company" and "1 student whose status changed" for a reconciliation of one of each', async () => {
      await t.runtime.deps.models.ReconciliationRun.create({
        trigger: 'admin',
        status: 'succeeded',
        finishedAt: new Date(),
        error: null,
        summary: { companies: 1, memberships: 1, studentsCreated: 0, studentsChanged: 1, tierChanges: [] },
      });
      const html = (await admin.get(`${t.appUrl}/admin/webhooks`)).text;
      expect(html).to.contain('1 company and 1 membership read');
      expect(html).to.contain('0 students added, 1 student whose status changed');
      expect(html).to.contain('0 tier changes');
      expect(html).not.to.match(/\b1 (companies|memberships|students|tier changes)\b/);
    });
  });

  describe('an event and its replay', () => {
    it('shows an error in words with the raw error in <details>; a replay of an event that can never succeed ends dead again and says so', async () => {
      const id = await storeEvent({
        status: 'dead',
        data: { id: 'not_a_membership' },
        lastError: 'PermanentEventError: data is not a membership: id must start with mem_',
      });
      const page = await admin.get(`${t.appUrl}/admin/webhooks/events/${id}`);
      expect(page.status).to.equal(200);
      expect(page.headers.get('cache-control')).to.contain('no-store');
      expect(page.text).to.contain(
        'data for this event cannot be read (data is not a membership). It can never succeed',
      );
      expect(page.text).to.match(
        /<details class="raw-error"><summary>Raw error<\/summary><code class="small">PermanentEventError: data is not a membership/,
      );
      const csrf = formField(page.text, '_csrf')!;
      expect((await admin.post(`${t.appUrl}/admin/webhooks/${id}/replay`, {})).status, 'no CSRF token').to.equal(403);
      const replayed = await admin.post(`${t.appUrl}/admin/webhooks/${id}/replay`, { _csrf: csrf });
      expect(replayed.status).to.equal(303);
      expect(replayed.location).to.equal(`${t.appUrl}/admin/webhooks/events/${id}`);
      const waiting = await admin.get(replayed.location!);
      expect(waiting.text).to.contain(`Event ${id} is queued again. This page shows how the replay ends.`);
      expect(waiting.text).to.contain('Waiting for the worker');
      await drain();
      const ended = await admin.get(replayed.location!);
      expect(ended.text).to.contain('Failed for good');
      expect(ended.text).to.contain('It can never succeed');
      expect(ended.text).not.to.contain('Waiting for the worker');
    });

    it('a replay that succeeds shows what the event did', async () => {
      const f = makeFactories(t.runtime.deps.models);
      await f.creator({ whopCompanyId: 'biz_replayed' });
      const id = await storeEvent({
        status: 'dead',
        type: 'payment.succeeded',
        company: 'biz_nowhere',
        data: { id: 1 },
        lastError: 'SequelizeConnectionError: connect ECONNREFUSED',
      });
      const page = await admin.get(`${t.appUrl}/admin/webhooks/events/${id}`);
      expect(page.text).to.contain('The database did not answer in time. A replay will most likely succeed.');
      await t.runtime.deps.sequelize.query(
        `UPDATE webhook_events SET type = 'unknown.kind', payload = jsonb_set(payload, '{type}', '"unknown.kind"') WHERE id = :id`,
        { replacements: { id } },
      );
      await admin.post(`${t.appUrl}/admin/webhooks/${id}/replay`, { _csrf: formField(page.text, '_csrf')! });
      await drain();
      const ended = await admin.get(`${t.appUrl}/admin/webhooks/events/${id}`);
      expect(ended.text).to.contain('Ignored on purpose');
      expect(ended.text).to.contain('What it did: Chronos does not handle unknown.kind');
    });

    it('answers 404 for an unknown event', async () => {
      expect((await admin.get(`${t.appUrl}/admin/webhooks/events/msg_none`)).status).to.equal(404);
    });
  });

  describe('creators', () => {
    it('lists creators past due or in a grace period, soonest end first, names first', async () => {
      const later = await named('biz_later', 'Later Co');
      await later.update({ billingStatus: 'past_due', gracePeriodEndsAt: new Date(Date.now() + 2 * 86_400_000) });
      const sooner = await named('biz_sooner', 'Sooner Co');
      await sooner.update({ billingStatus: 'past_due', gracePeriodEndsAt: new Date(Date.now() + 86_400_000) });
      await named('biz_fine', 'Fine Co');
      const page = await admin.get(`${t.appUrl}/admin/creators/past-due`);
      expect(page.status).to.equal(200);
      expect(page.headers.get('cache-control')).to.contain('no-store');
      expect([...page.text.matchAll(/<tr data-creator="([^"]+)">/g)].map((m) => m[1])).to.deep.equal([
        'biz_sooner',
        'biz_later',
      ]);
      expect(page.text).to.contain('2 creators past due or in a grace period');
      expect(page.text).to.contain(`<a href="/admin/creators/${sooner.id}">Sooner Co</a>`);
    });

    it("shows a creator's plan, usage, students, connection and recent events", async () => {
      const creator = await named('biz_detail', 'Detail Co');
      const event = await storeEvent({ company: 'biz_detail', outcome: 'student user_a of creator: new → active' });
      await storeEvent({ company: 'biz_other', outcome: 'not this one' });
      const page = await admin.get(`${t.appUrl}/admin/creators/${creator.id}`);
      expect(page.status).to.equal(200);
      expect(page.headers.get('cache-control')).to.contain('no-store');
      expect(page.text).to.contain('<h1>Detail Co</h1>');
      expect(page.text).to.contain('0 active students of 10 seats');
      expect(page.text).to.contain('installed and reachable');
      expect(page.text).to.contain(`/admin/webhooks/events/${event}`);
      expect(page.text).not.to.contain('not this one');
    });

    for (const id of ['999999', 'abc', '0', '99999999999']) {
      it(`answers 404 for creator ${id}`, async () => {
        const response = await admin.get(`${t.appUrl}/admin/creators/${id}`);
        expect(response.status).to.equal(404);
        expect(response.text).to.contain('No creator with that id.');
      });
    }

    it('refuses a non-admin with 403', async () => {
      const student = await t.signIn('user_student1');
      expect((await student.get(`${t.appUrl}/admin/creators/past-due`)).status).to.equal(403);
      expect((await student.get(`${t.appUrl}/admin/webhooks/events/msg_x`)).status).to.equal(403);
    });
  });
});
