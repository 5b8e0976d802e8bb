/**
 * The durable webhook inbox: an accepted event becomes one `webhook_events` row, `pending` and
 * due now, for the worker to process. One atomic `INSERT … ON CONFLICT (id) DO NOTHING`: a
 * repeated `webhook-id` (Whop retries, concurrent duplicates) changes nothing and says so. The
 * statement commits before `store` resolves; if it fails, `store` rejects and nothing is stored.
 */
import type { Sequelize } from 'sequelize';
import type { InboxEvent } from '../whop/webhook-envelope.ts';

export type InboxOutcome = 'stored' | 'duplicate';

export interface WebhookInbox {
  store(event: InboxEvent): Promise<InboxOutcome>;
}

const INSERT_EVENT = `INSERT INTO webhook_events (id, type, company_id, payload, status, attempts, next_attempt_at, received_at)
  VALUES ($1, $2, $3, $4::jsonb, 'pending', 0, now(), now())
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

interface PgClient {
  query(text: string, values: unknown[]): Promise<{ rowCount: number | null }>;
}

export function createWebhookInbox(deps: { sequelize: Sequelize }): WebhookInbox {
  const { sequelize } = deps;
  return {
    /**
     * The busiest statement of the app (every delivery), so it runs on a connection of
     * Sequelize's pool with the driver's own query: same pool and transaction semantics, none
     * of the model layer's per-query work. Bind parameters: the payload never enters the SQL
     * text or its log.
     */
    async store(event) {
      const connection = (await sequelize.connectionManager.getConnection({ type: 'write' })) as unknown as PgClient;
      try {
        const result = await connection.query(INSERT_EVENT, [event.id, event.type, event.companyId, JSON.stringify(event.payload)]);
        return result.rowCount === 1 ? 'stored' : 'duplicate';
      } finally {
        sequelize.connectionManager.releaseConnection(connection as never);
      }
    },
  };
}
