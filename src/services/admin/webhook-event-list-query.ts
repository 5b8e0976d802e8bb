/**
 * The admin's webhook event list: filtered by status and type, paged, newest first; and one
 * event in full. Filters are checked against fixed lists before they reach SQL (as bind
 * values); an unknown one is a ValidationError with a message an admin can act on.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { ValidationError } from '../../domain/app-errors.ts';

export const EVENT_STATUSES = ['pending', 'processing', 'processed', 'skipped', 'ignored', 'dead'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export const EVENTS_PER_PAGE = 25;
const EVENT_TYPE = /^[a-z_]{1,40}([._][a-z_]{1,40}){0,3}$/;

export interface EventFilter {
  status: EventStatus | null;
  type: string | null;
  page: number;
}

export interface ListedEvent {
  id: string;
  type: string;
  status: string;
  attempts: number;
  outcome: string | null;
  lastError: string | null;
  receivedAt: Date;
  processedAt: Date | null;
  nextAttemptAt: Date;
  companyId: string | null;
}

export interface EventPage {
  events: ListedEvent[];
  total: number;
  page: number;
  pages: number;
  /** The event types stored, for the type filter's choices. */
  types: string[];
}

/** One value of a query parameter; a repeated one (`?status=a&status=b`) is refused. */
function one(value: unknown, name: 'status' | 'type' | 'page'): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') refuse(name, `Give the ${name} filter once, with one value.`);
  return value;
}

/** A refused filter, naming its field so the page can say it next to that filter. */
function refuse(field: 'status' | 'type' | 'page', message: string): never {
  throw new ValidationError(message, [{ field, message }]);
}

/** Reads `?status=&type=&page=`; an unknown status, a malformed type or page is refused with a clear message. */
export function parseEventFilter(raw: { status?: unknown; type?: unknown; page?: unknown }): EventFilter {
  const status = one(raw.status, 'status');
  const type = one(raw.type, 'type');
  const page = one(raw.page, 'page');
  if (status !== undefined && !(EVENT_STATUSES as readonly string[]).includes(status))
    refuse('status', `Unknown status filter. Choose one of: ${EVENT_STATUSES.join(', ')}.`);
  if (type !== undefined && !EVENT_TYPE.test(type))
    refuse('type', 'The type filter must be an event type such as membership.activated.');
  if (page !== undefined && !/^[1-9]\d{0,5}$/.test(page)) refuse('page', 'The page must be a whole number from 1.');
  return { status: (status as EventStatus | undefined) ?? null, type: type ?? null, page: page ? Number(page) : 1 };
}

interface EventRow {
  id: string;
  type: string;
  status: string;
  attempts: number;
  outcome: string | null;
  last_error: string | null;
  received_at: Date;
  processed_at: Date | null;
  next_attempt_at: Date;
  company_id: string | null;
}

const COLUMNS =
  'id, type, status, attempts, outcome, last_error, received_at, processed_at, next_attempt_at, company_id';

const toEvent = (r: EventRow): ListedEvent => ({
  id: r.id,
  type: r.type,
  status: r.status,
  attempts: r.attempts,
  outcome: r.outcome,
  lastError: r.last_error,
  receivedAt: new Date(r.received_at),
  processedAt: r.processed_at ? new Date(r.processed_at) : null,
  nextAttemptAt: new Date(r.next_attempt_at),
  companyId: r.company_id,
});

export function createWebhookEventListQuery(deps: { sequelize: Sequelize }) {
  const { sequelize } = deps;
  return {
    /** One page of events; a page past the last shows the last. */
    async list(filter: EventFilter): Promise<EventPage> {
      const where =
        'WHERE (CAST(:status AS text) IS NULL OR status = :status) AND (CAST(:type AS text) IS NULL OR type = :type)';
      const replacements = { status: filter.status, type: filter.type };
      const [counted] = await sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_events ${where}`, {
        replacements,
        type: QueryTypes.SELECT,
      });
      const total = counted?.n ?? 0;
      const pages = Math.max(1, Math.ceil(total / EVENTS_PER_PAGE));
      const page = Math.min(filter.page, pages);
      const rows = await sequelize.query<EventRow>(
        `SELECT ${COLUMNS} FROM webhook_events ${where} ORDER BY received_at DESC, id LIMIT :limit OFFSET :offset`,
        {
          replacements: { ...replacements, limit: EVENTS_PER_PAGE, offset: (page - 1) * EVENTS_PER_PAGE },
          type: QueryTypes.SELECT,
        },
      );
      const types = await sequelize.query<{ type: string }>(
        'SELECT DISTINCT type FROM webhook_events ORDER BY type LIMIT 200',
        { type: QueryTypes.SELECT },
      );
      return { events: rows.map(toEvent), total, page, pages, types: types.map((t) => t.type) };
    },

    async find(id: string): Promise<ListedEvent | null> {
      const [row] = await sequelize.query<EventRow>(`SELECT ${COLUMNS} FROM webhook_events WHERE id = :id`, {
        replacements: { id },
        type: QueryTypes.SELECT,
      });
      return row ? toEvent(row) : null;
    },

    /** The latest events of one company (a creator's detail page). */
    async ofCompany(companyId: string, limit = 10): Promise<ListedEvent[]> {
      const rows = await sequelize.query<EventRow>(
        `SELECT ${COLUMNS} FROM webhook_events WHERE company_id = :companyId ` +
          'ORDER BY received_at DESC, id LIMIT :limit',
        { replacements: { companyId, limit }, type: QueryTypes.SELECT },
      );
      return rows.map(toEvent);
    },
  };
}

export type WebhookEventListQuery = ReturnType<typeof createWebhookEventListQuery>;
