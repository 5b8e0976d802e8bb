/**
 * The control UI's form posts: each validates with the control API's schemas, acts,
 * and redirects back (POST/redirect/GET) with a notice or an error in the query.
 */
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { parseBody } from '../parse-body.ts';
import type { SandboxCore } from '../sandbox-core.ts';
import { NotFoundError, SandboxError } from '../sandbox-errors.ts';
import { createUser } from '../services/user-service.ts';
import type { WebhookDelivery } from '../webhooks/webhook-delivery-log.ts';
import type { TokenEndpointAuthMethod } from '../sandbox-core.ts';
import { applyWebhookSettings } from './webhook-settings.ts';
import {
  appSettingsSchema,
  rateLimitSchema,
  webhookSettingsSchema,
  cancelAtPeriodEndSchema,
  createMembershipSchema,
  createUserSchema,
  eventSchema,
  membershipStatusSchema,
  paymentSchema,
  withoutBlankFields,
} from './control-schemas.ts';

function backTo(req: Request, fallback: string): string {
  const back = (req.body as Record<string, unknown> | undefined)?.back;
  return typeof back === 'string' && /^\/sandbox(\/[A-Za-z0-9_/-]*)?(\?[A-Za-z0-9_=&-]*)?$/.test(back)
    ? back
    : fallback;
}

function redirectWith(res: Response, path: string, key: 'notice' | 'error', message: string): void {
  const url = new URL(path, 'http://sandbox.local');
  url.searchParams.set(key, message);
  res.redirect(303, `${url.pathname}${url.search}`);
}

function firedText(events: WebhookDelivery[]): string {
  return events.length ? ` Fired ${events.map((e) => e.type).join(', ')}.` : ' No event fired.';
}

/** Runs a form action; a sandbox error goes back to the form as a message. */
function action(fallback: string, run: (req: Request<{ id: string }>) => string) {
  return (req: Request<{ id: string }>, res: Response) => {
    const back = backTo(req, fallback);
    try {
      redirectWith(res, back, 'notice', run(req));
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      redirectWith(res, back, 'error', error.message);
    }
  };
}

function form<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parseBody(schema, withoutBlankFields(req.body));
}

export function registerControlUiActions(router: Router, core: SandboxCore): void {
  router.post(
    '/users',
    action('/sandbox/users', (req) => {
      const user = createUser(core.state, form(createUserSchema, req));
      return `Created ${user.id} (@${user.username}).`;
    }),
  );

  router.post(
    '/memberships',
    action('/sandbox/memberships', (req) => {
      const input = form(createMembershipSchema, req);
      const { result, events } = core.events.capture(() => core.memberships.create(input));
      return `Created ${result.id} (${result.status}).${firedText(events)}`;
    }),
  );

  router.post(
    '/memberships/:id/status',
    action('/sandbox/memberships', (req) => {
      const { status } = form(membershipStatusSchema, req);
      const { result, events } = core.events.capture(() => core.memberships.setStatus(req.params.id, status));
      return `${result.id} is ${result.status}.${firedText(events)}`;
    }),
  );

  router.post(
    '/memberships/:id/cancel_at_period_end',
    action('/sandbox/memberships', (req) => {
      const body = form(cancelAtPeriodEndSchema, req);
      const { result, events } = core.events.capture(() =>
        core.memberships.setCancelAtPeriodEnd(req.params.id, body.cancel_at_period_end),
      );
      return `${result.id} ${result.cancel_at_period_end ? 'cancels' : 'no longer cancels'} at period end.${firedText(events)}`;
    }),
  );

  router.post(
    '/payments',
    action('/sandbox/payments', (req) => {
      const input = form(paymentSchema, req);
      const { result, events } = core.events.capture(() => core.payments.take(input));
      return `Payment ${result.payment.id} ${result.payment.substatus}.${firedText(events)}`;
    }),
  );

  router.post(
    '/events',
    action('/sandbox/events', (req) => {
      const input = form(eventSchema, req);
      const { events } = core.events.capture(() => core.triggers.trigger(input));
      return `Done.${firedText(events)}`;
    }),
  );

  router.post(
    '/deliveries/:id/resend',
    action('/sandbox/deliveries', (req) => {
      const delivery = core.deliveries.resend(req.params.id);
      if (!delivery) throw new NotFoundError(`Delivery ${req.params.id} was not found.`);
      return delivery.status === 'not_sent'
        ? `Deliveries are turned off; ${delivery.id} was not sent.`
        : `Resending ${delivery.id} (${delivery.type}).`;
    }),
  );

  router.post(
    '/users/:id/delete',
    action('/sandbox/users', (req) => {
      if (!core.state.deleteUser(req.params.id)) throw new NotFoundError(`User ${req.params.id} was not found.`);
      for (const listener of core.onUserDeleted) listener(req.params.id);
      return `Deleted ${req.params.id}. Its memberships and payments now show user: null.`;
    }),
  );

  router.post(
    '/companies/:id/uninstall',
    action('/sandbox/companies', (req) => {
      const company = core.installations.uninstall(req.params.id);
      return `The app is uninstalled from ${company.title} (${company.id}).`;
    }),
  );

  router.post(
    '/webhooks/:id',
    action('/sandbox/webhooks', (req) => {
      // A blank date field means unpinned (blank fields are otherwise "not given").
      const body = { ...(req.body as Record<string, unknown>) };
      if (typeof body.api_version_date === 'string' && body.api_version_date.trim() === '')
        body.api_version_date = 'unpinned';
      const [webhook] = applyWebhookSettings(core, req.params.id, form(webhookSettingsSchema, { body } as Request));
      return webhook
        ? `${webhook.id}: ${webhook.api_version}, ${webhook.api_version_date ? `pinned to ${webhook.api_version_date}` : 'unpinned'}, ${webhook.event_names} names${webhook.enabled ? '' : ', disabled'}.`
        : 'Saved.';
    }),
  );

  router.post(
    '/rate_limit',
    action('/sandbox', (req) => {
      const body = form(rateLimitSchema, req);
      core.rateLimit.remaining = body.calls;
      core.rateLimit.retryInSeconds = body.retry_in_seconds;
      return `The next ${body.calls} calls of /api/v1 answer 429 ("Try again in ${body.retry_in_seconds} seconds.").`;
    }),
  );

  router.post(
    '/app',
    action('/sandbox', (req) => {
      const body = form(appSettingsSchema, req);
      core.settings.tokenEndpointAuthMethod = body.token_endpoint_auth_method as TokenEndpointAuthMethod;
      return `The token endpoint now takes ${body.token_endpoint_auth_method}.`;
    }),
  );

  router.post(
    '/reset',
    action('/sandbox', () => {
      core.reset();
      return 'The sandbox is back to its seed.';
    }),
  );
}
