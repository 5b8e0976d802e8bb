/**
 * The sandbox's control API under `/sandbox/api` (JSON only; POSTs must be
 * `application/json`, which a cross-site form cannot send): the registered app, users,
 * companies, products, memberships, payments, events fired by hand, deliveries, the
 * dev mailbox and reset.
 */
import express from 'express';
import type { Request, Response, Router } from 'express';
import { jsonErrorHandler, jsonNotFound } from '../api/api-error-handler.ts';
import { parseBody } from '../parse-body.ts';
import type { SandboxCore } from '../sandbox-core.ts';
import { NotFoundError, SandboxError } from '../sandbox-errors.ts';
import { serializeMembership } from '../serializers/membership-serializer.ts';
import { serializePayment } from '../serializers/payment-serializer.ts';
import { createUser } from '../services/user-service.ts';
import { isValidStatus } from '../state/sandbox-records.ts';
import type { MembershipRecord, PaymentRecord } from '../state/sandbox-records.ts';
import { applyWebhookSettings } from './webhook-settings.ts';
import {
  appSettingsSchema,
  installSchema,
  rateLimitSchema,
  webhookSettingsSchema,
  cancelAtPeriodEndSchema,
  createMembershipSchema,
  createUserSchema,
  eventSchema,
  mailSchema,
  membershipStatusSchema,
  paymentSchema,
} from './control-schemas.ts';
import {
  appRegistrationView,
  companyView,
  deliveryView,
  eventRefs,
  installationsView,
  productView,
  userView,
  webhookView,
} from './control-views.ts';
import type { TokenEndpointAuthMethod } from '../sandbox-core.ts';

class UnsupportedMediaTypeError extends SandboxError {
  constructor() {
    super(
      'Send the body as JSON with Content-Type: application/json.',
      415,
      'invalid_request_error',
      'unsupported_media_type',
    );
  }
}

export function createControlApiRouter(core: SandboxCore): Router {
  const router = express.Router();
  const { state } = core;
  const membershipJson = (m: MembershipRecord | undefined) => (m ? serializeMembership(core.ctx, m) : null);
  const paymentJson = (p: PaymentRecord | undefined) => (p ? serializePayment(core.ctx, p) : null);

  router.use((req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (req.method === 'POST' && !req.is('application/json')) return next(new UnsupportedMediaTypeError());
    next();
  });
  router.use(express.json({ limit: '2mb' }));

  router.get('/app', (_req, res) => {
    res.json(appRegistrationView(core));
  });
  router.post('/app', (req, res) => {
    const body = parseBody(appSettingsSchema, req.body);
    core.settings.tokenEndpointAuthMethod = body.token_endpoint_auth_method as TokenEndpointAuthMethod;
    res.json(appRegistrationView(core));
  });

  router.get('/installations', (_req, res) => {
    res.json({ data: installationsView(core) });
  });
  router.post('/installations', (req, res) => {
    const body = parseBody(installSchema, req.body);
    core.installations.install(body.company_id, body.user_id);
    res.status(201).json({ data: installationsView(core) });
  });
  router.post('/installations/:companyId/uninstall', (req: Request<{ companyId: string }>, res) => {
    core.installations.uninstall(req.params.companyId);
    res.json({ data: installationsView(core) });
  });

  router.get('/webhooks', (_req, res) => {
    res.json({ data: state.listWebhooks().map((w) => webhookView(core, w)) });
  });
  router.post('/webhooks/:id', (req: Request<{ id: string }>, res) => {
    const updated = applyWebhookSettings(core, req.params.id, parseBody(webhookSettingsSchema, req.body));
    res.json({ data: updated.map((w) => webhookView(core, w)) });
  });

  router.get('/rate_limit', (_req, res) => {
    res.json({ forced_calls_remaining: core.rateLimit.remaining, retry_in_seconds: core.rateLimit.retryInSeconds });
  });
  router.post('/rate_limit', (req, res) => {
    const body = parseBody(rateLimitSchema, req.body);
    core.rateLimit.remaining = body.calls;
    core.rateLimit.retryInSeconds = body.retry_in_seconds;
    res.json({ forced_calls_remaining: core.rateLimit.remaining, retry_in_seconds: core.rateLimit.retryInSeconds });
  });

  router.get('/users', (_req, res) => {
    res.json({ data: state.listUsers().map((u) => userView(core, u)) });
  });
  router.post('/users', (req, res) => {
    const user = createUser(state, parseBody(createUserSchema, req.body));
    res.status(201).json({ user: userView(core, user) });
  });

  router.post('/users/:id/delete', (req: Request<{ id: string }>, res) => {
    if (!state.deleteUser(req.params.id)) throw new NotFoundError(`User ${req.params.id} was not found.`);
    for (const listener of core.onUserDeleted) listener(req.params.id);
    res.json({ deleted: req.params.id });
  });

  router.get('/companies', (_req, res) => {
    res.json({ data: state.listCompanies().map((c) => companyView(core, c.id)) });
  });
  router.get('/products', (_req, res) => {
    res.json({ data: state.listProducts().map((p) => productView(core, p.id)) });
  });

  router.get('/memberships', (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const pick = (name: string) => (typeof q[name] === 'string' && q[name] !== '' ? (q[name] as string) : undefined);
    const [company, user, product, status] = [pick('company'), pick('user'), pick('product'), pick('status')];
    const rows = state
      .listMemberships()
      .filter(
        (m) =>
          (!company || m.company_id === company) &&
          (!user || m.user_id === user) &&
          (!product || m.product_id === product) &&
          (!status || m.status === status || (status === 'valid' && isValidStatus(m.status))),
      )
      .reverse();
    res.json({ data: rows.map((m) => serializeMembership(core.ctx, m)) });
  });
  router.post('/memberships', (req, res) => {
    const body = parseBody(createMembershipSchema, req.body);
    const { result, events } = core.events.capture(() => core.memberships.create(body));
    res.status(201).json({ membership: membershipJson(result), events: eventRefs(events) });
  });
  router.post('/memberships/:id/status', (req: Request<{ id: string }>, res) => {
    const { status } = parseBody(membershipStatusSchema, req.body);
    const { result, events } = core.events.capture(() => core.memberships.setStatus(req.params.id, status));
    res.json({ membership: membershipJson(result), events: eventRefs(events) });
  });
  router.post('/memberships/:id/cancel_at_period_end', (req: Request<{ id: string }>, res) => {
    const body = parseBody(cancelAtPeriodEndSchema, req.body);
    const { result, events } = core.events.capture(() =>
      core.memberships.setCancelAtPeriodEnd(req.params.id, body.cancel_at_period_end),
    );
    res.json({ membership: membershipJson(result), events: eventRefs(events) });
  });

  router.get('/payments', (_req, res) => {
    res.json({
      data: state
        .listPayments()
        .reverse()
        .map((p) => serializePayment(core.ctx, p)),
    });
  });
  router.post('/payments', (req, res) => {
    const body = parseBody(paymentSchema, req.body);
    const { result, events } = core.events.capture(() => core.payments.take(body));
    res.status(201).json({
      payment: paymentJson(result.payment),
      membership: membershipJson(result.membership),
      events: eventRefs(events),
    });
  });

  router.post('/events', (req, res) => {
    const body = parseBody(eventSchema, req.body);
    const { result, events } = core.events.capture(() => core.triggers.trigger(body));
    res.status(201).json({
      events: eventRefs(events),
      membership: membershipJson(result.membership),
      payment: paymentJson(result.payment),
    });
  });

  router.get('/deliveries', (_req, res) => {
    res.json({ data: core.deliveries.log.list().map(deliveryView) });
  });
  router.get('/deliveries/:id', (req: Request<{ id: string }>, res) => {
    const delivery = core.deliveries.log.get(req.params.id);
    if (!delivery) throw new NotFoundError(`Delivery ${req.params.id} was not found.`);
    res.json(deliveryView(delivery));
  });
  router.post('/deliveries/:id/resend', (req: Request<{ id: string }>, res) => {
    const delivery = core.deliveries.resend(req.params.id);
    if (!delivery) throw new NotFoundError(`Delivery ${req.params.id} was not found.`);
    res.status(202).json(deliveryView(delivery));
  });

  router.get('/mailbox', (_req, res) => {
    res.json({ data: core.mailbox.list() });
  });
  router.post('/mailbox', (req, res) => {
    res.status(201).json(core.mailbox.add(parseBody(mailSchema, req.body)));
  });

  router.post('/reset', (_req, res) => {
    core.reset();
    res.json({ reset: true });
  });

  router.use(jsonNotFound());
  router.use(jsonErrorHandler(core.options.logger));
  return router;
}
