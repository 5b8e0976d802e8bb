/**
 * The control UI at `/sandbox`: server-rendered pages that work without JavaScript.
 * GETs render (this file); form POSTs act and redirect back (control-ui-actions.ts).
 */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { SandboxCore } from '../sandbox-core.ts';
import { SandboxError } from '../sandbox-errors.ts';
import { serializeMembership } from '../serializers/membership-serializer.ts';
import { serializePayment } from '../serializers/payment-serializer.ts';
import { MEMBERSHIP_STATUSES } from '../state/sandbox-records.ts';
import { WHOP_CURRENCIES } from '../serializers/money.ts';
import { DISPUTE_STATUSES, REFUND_STATUSES } from '../services/billing-service.ts';
import { LATEST_API_VERSION_DATE, NATIVE_PAYLOAD_SINCE } from '../webhooks/payload-version.ts';
import { KNOWN_EVENT_TYPES } from '../webhooks/webhook-event.ts';
import { registerControlUiActions } from './control-ui-actions.ts';
import { appRegistrationView, companyView, deliveryView, userView, webhookView } from './control-views.ts';
import { renderControlPage } from './control-page-renderer.ts';
import type { ControlPage } from './control-page-renderer.ts';
import { createCsrfProtection, CsrfRejectedError } from './csrf-protection.ts';

type PageData = Record<string, unknown> & { title: string };

export function createControlUiRouter(core: SandboxCore): Router {
  const router = express.Router();
  const csrf = createCsrfProtection();
  const { state } = core;

  const flash = (req: Request) => ({
    notice: typeof req.query.notice === 'string' ? req.query.notice.slice(0, 300) : null,
    error: typeof req.query.error === 'string' ? req.query.error.slice(0, 300) : null,
  });
  const choices = () => ({
    users: state.listUsers(),
    products: state.listProducts().map((p) => ({ id: p.id, title: p.title, company_id: p.company_id })),
    statuses: MEMBERSHIP_STATUSES,
  });
  const page = (name: ControlPage, build: (req: Request) => PageData) => async (req: Request, res: Response) => {
    await renderControlPage(res, 200, name, { ...flash(req), csrfToken: csrf.tokenFor(req, res), ...build(req) });
  };

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '200kb' }));
  router.use(csrf.verify);

  router.get(
    '/',
    page('overview', () => ({
      title: 'Registered app',
      app: appRegistrationView(core),
      counts: {
        users: state.listUsers().length,
        memberships: state.listMemberships().length,
        payments: state.listPayments().length,
        deliveries: core.deliveries.log.list().length,
        mail: core.mailbox.list().length,
      },
    })),
  );
  router.get(
    '/users',
    page('users', () => ({ title: 'Users', rows: state.listUsers().map((u) => userView(core, u)) })),
  );
  router.get(
    '/companies',
    page('companies', () => ({
      title: 'Companies',
      companies: state.listCompanies().map((c) => companyView(core, c.id)),
      installUrl: appRegistrationView(core).install_url,
    })),
  );
  router.get(
    '/webhooks',
    page('webhooks', () => ({
      title: 'Webhooks',
      rows: state.listWebhooks().map((w) => webhookView(core, w)),
      nativeSince: NATIVE_PAYLOAD_SINCE,
      latestDate: LATEST_API_VERSION_DATE,
    })),
  );
  router.get(
    '/memberships',
    page('memberships', (req) => {
      const company = typeof req.query.company === 'string' ? req.query.company : '';
      const rows = state
        .listMemberships()
        .filter((m) => !company || m.company_id === company)
        .reverse()
        .map((m) => serializeMembership(core.ctx, m));
      return { title: 'Memberships', rows, company, companies: state.listCompanies(), ...choices() };
    }),
  );
  router.get(
    '/payments',
    page('payments', () => ({
      title: 'Payments',
      rows: state
        .listPayments()
        .reverse()
        .map((p) => serializePayment(core.ctx, p)),
      ...choices(),
    })),
  );
  router.get(
    '/events',
    page('events', () => ({
      title: 'Fire an event',
      eventTypes: KNOWN_EVENT_TYPES,
      refundStatuses: REFUND_STATUSES,
      disputeStatuses: DISPUTE_STATUSES,
      currencies: WHOP_CURRENCIES,
      ...choices(),
    })),
  );
  router.get(
    '/deliveries',
    page('deliveries', () => ({
      title: 'Webhook deliveries',
      rows: core.deliveries.log.list().map(deliveryView),
      webhookUrl: core.options.app.webhookUrl,
      deliverWebhooks: core.options.deliverWebhooks,
    })),
  );
  router.get('/deliveries/:id', async (req: Request<{ id: string }>, res, next) => {
    const delivery = core.deliveries.log.get(req.params.id);
    if (!delivery) return next();
    await renderControlPage(res, 200, 'delivery', {
      title: `Delivery ${delivery.id}`,
      ...flash(req),
      csrfToken: csrf.tokenFor(req, res),
      delivery: deliveryView(delivery),
      prettyBody: JSON.stringify(JSON.parse(delivery.body) as unknown, null, 2),
    });
  });
  router.get(
    '/mailbox',
    page('mailbox', () => ({ title: 'Dev mailbox', messages: core.mailbox.list() })),
  );
  router.get('/mailbox/:id/html', (req: Request<{ id: string }>, res, next) => {
    const message = core.mailbox.get(req.params.id);
    if (!message?.html) return next();
    // The stored HTML is shown as a document of its own, sandboxed: no scripts, no same-origin access.
    res
      .set('Content-Security-Policy', "sandbox; default-src 'none'; img-src data: https:; style-src 'unsafe-inline'")
      .type('html')
      .send(message.html);
  });

  registerControlUiActions(router, core);

  router.use(async (req: Request, res: Response) => {
    await renderControlPage(res, 404, 'error', {
      title: 'Not found',
      message: `Nothing at ${req.originalUrl.split('?')[0]}.`,
    });
  });
  router.use(async (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof CsrfRejectedError) {
      await renderControlPage(res, 403, 'error', { title: 'Form refused', message: error.message });
      return;
    }
    const known = error instanceof SandboxError;
    if (!known) core.options.logger.error({ err: error }, 'sandbox UI: unexpected error');
    await renderControlPage(res, known ? error.status : 500, 'error', {
      title: 'Something went wrong',
      message: known ? error.message : 'The sandbox hit an unexpected error; see its log.',
    });
  });
  return router;
}
