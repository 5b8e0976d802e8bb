/**
 * The admin's webhook events: the filtered, paged list on `/admin/webhooks`, one event's page
 * (its outcome, its error in words with the raw error one click away), and replay, which leads
 * to the event's page, which shows the replay waiting and, once it has ended, how (no page
 * reloads itself: a self-reloading page would move under a screen reader; "Check again" reloads).
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { setFlash } from '../sessions/flash.ts';
import type { WebhookWorker } from '../services/webhooks/webhook-worker.ts';
import {
  EVENT_STATUSES,
  parseEventFilter,
  type EventFilter,
  type WebhookEventListQuery,
} from '../services/admin/webhook-event-list-query.ts';
import { describeEventError } from '../services/webhooks/event-error-text.ts';
import { NotFoundError, ValidationError } from '../domain/app-errors.ts';
import { formStateOf, type FormState } from '../views/form-state.ts';

/** The filter form's fields by name (a bad page number has no field: it is said at the page's top). */
const FILTER_FIELDS = { status: 'filter-status', type: 'filter-type' };

const EVENT_ID = /^[\w.:-]{1,255}$/;
export const eventPath = (id: string) => `/admin/webhooks/events/${encodeURIComponent(id)}`;

export function adminEventsController(deps: {
  eventList: WebhookEventListQuery;
  webhooks: WebhookWorker;
  logger: Logger;
}) {
  /**
   * The list part of `/admin/webhooks` (its locals), from `?status=&type=&page=`. A filter that
   * cannot be read (a hand-edited address) shows every event, with the reason next to that filter
   * and status 400.
   */
  async function listLocals(query: Record<string, unknown>) {
    let filter: EventFilter;
    let formState: FormState | undefined;
    let refusal: { message: string; messageKind: 'error' } | undefined;
    let status = 200;
    try {
      filter = parseEventFilter(query);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      filter = { status: null, type: null, page: 1 };
      formState = formStateOf(error.details, FILTER_FIELDS, {});
      if (!formState) refusal = { message: error.message, messageKind: 'error' };
      status = 400;
    }
    const page = await deps.eventList.list(filter);
    const link = (n: number) => {
      const params = new URLSearchParams();
      if (filter.status) params.set('status', filter.status);
      if (filter.type) params.set('type', filter.type);
      if (n > 1) params.set('page', String(n));
      const q = params.toString();
      return `/admin/webhooks${q ? `?${q}` : ''}#recent`;
    };
    return {
      status,
      formState,
      ...refusal,
      filter,
      eventPage: page,
      eventStatuses: EVENT_STATUSES,
      pageLink: link,
      describeEventError,
      eventPath,
    };
  }

  const show: RequestHandler<{ id: string }> = async (req, res) => {
    const { id } = req.params;
    const event = EVENT_ID.test(id) ? await deps.eventList.find(id) : null;
    if (!event) throw new NotFoundError('No webhook event with that id.');
    const waiting = event.status === 'pending' || event.status === 'processing';
    res.render('pages/admin-webhook-event', {
      title: `Webhook event ${event.type}`,
      event,
      waiting,
      error: describeEventError(event.lastError),
      checkAgainUrl: eventPath(event.id),
    });
  };

  const replay: RequestHandler<{ id: string }> = async (req, res) => {
    const { id } = req.params;
    if (!EVENT_ID.test(id) || !(await deps.webhooks.replay(id)))
      throw new NotFoundError('No such event, or it is being processed right now.');
    deps.logger.info({ eventId: id, adminUserId: req.currentUser?.user.id }, 'webhook event replay requested');
    setFlash(req, `Event ${id} is queued again. This page shows how the replay ends.`, 'ok');
    res.redirect(303, eventPath(id));
  };

  return { listLocals, show, replay };
}
