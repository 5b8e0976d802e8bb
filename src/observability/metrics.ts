/**
 * Prometheus metrics (prom-client), one registry per app: request durations by route, webhook
 * events by type and outcome, worker lag and outbox backlog (read from the database at scrape
 * time), Whop API calls and errors, and Node's process metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { QueryTypes, type Sequelize } from 'sequelize';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  webhookEvents: Counter<'type' | 'status'>;
  whopCalls: Counter<'operation' | 'outcome'>;
}

export function createMetrics(deps: { sequelize: Sequelize }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'chronos_' });
  const httpDuration = new Histogram({
    name: 'chronos_http_request_duration_seconds',
    help: 'HTTP request durations by route template, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const webhookEvents = new Counter({
    name: 'chronos_webhook_events_total',
    help:
      'Webhook events handled by this process, by type and resulting status (processed, skipped, ignored, ' +
      'retry, dead)',
    labelNames: ['type', 'status'] as const,
    registers: [registry],
  });
  const whopCalls = new Counter({
    name: 'chronos_whop_api_calls_total',
    help: 'Calls to Whop’s REST API by operation and outcome (ok, error)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'chronos_webhook_worker_lag_seconds',
    help: 'Age of the oldest webhook event that is due and not processed (0 when none)',
    registers: [registry],
    async collect() {
      const [row] = await deps.sequelize.query<{ lag: number | null }>(
        'SELECT extract(epoch FROM now() - min(next_attempt_at))::float AS lag FROM webhook_events WHERE status IN ' +
          "('pending', 'processing') AND next_attempt_at <= now()",
        { type: QueryTypes.SELECT },
      );
      this.set(Math.max(0, row?.lag ?? 0));
    },
  });
  new Gauge({
    name: 'chronos_webhook_events_dead',
    help: 'Webhook events that gave up (dead), waiting for an admin replay',
    registers: [registry],
    async collect() {
      const [row] = await deps.sequelize.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM webhook_events WHERE status = 'dead'",
        { type: QueryTypes.SELECT },
      );
      this.set(row?.n ?? 0);
    },
  });
  new Gauge({
    name: 'chronos_email_outbox_backlog',
    help: 'Emails waiting to be sent (pending)',
    registers: [registry],
    async collect() {
      const [row] = await deps.sequelize.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM email_outbox WHERE status = 'pending'",
        { type: QueryTypes.SELECT },
      );
      this.set(row?.n ?? 0);
    },
  });
  return { registry, httpDuration, webhookEvents, whopCalls };
}
