/**
 * The durable webhook inbox: an accepted event becomes one `webhook_events` row, `pending` and
 * due now, for the worker to process. One atomic `INSERT … ON CONFLICT (id) DO NOTHING`: a
 * repeated `webhook-id` (Whop retries, concurrent duplicates) changes nothing and says so. The
 * statement commits before `store` resolves; if it fails, `store` rejects and nothing is stored.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { InboxEvent } from '../whop/webhook-envelope.ts';

export type InboxOutcome = 'stored' | 'duplicate';

export interface WebhookInbox {
  store(event: InboxEvent): Promise<InboxOutcome>;
}

const INSERT_EVENT = `INSERT INTO webhook_events (id, type, company_id, payload, status, attempts, next_attempt_at,
        received_at)
  VALUES ($1, $2, $3, $4::jsonb, 'pending', 0, $5::timestamptz, now())
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

/**
 * An event is due from the moment it is stored, on the queue's own clock: the database's `now()`
 * has microseconds and the queue's clock milliseconds, so an event stored by `now()` could be
 * "not yet due" to a worker that asks within the same millisecond.
 */
export function createWebhookInbox(deps: { sequelize: Sequelize; now?: () => Date }): WebhookInbox {
  const { sequelize } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    /** Bind parameters: the payload never enters the SQL text or its log. */
    async store(event) {
      const inserted = await sequelize.query(INSERT_EVENT, {
        bind: [event.id, event.type, event.companyId, JSON.stringify(event.payload), now().toISOString()],
        type: QueryTypes.SELECT,
      });
      return inserted.length === 1 ? 'stored' : 'duplicate';
    },
  };
}
