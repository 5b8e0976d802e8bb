/**
 * The checkout pages: show a product with a user picker, and pay for it. Paying is the
 * control API's payment (`user` + `product`, outcome `succeeded` or `failed`), taken by
 * the payment service, which creates or renews the membership and fires the webhooks.
 * Opened with `?session=ch_…` (a checkout configuration's `purchase_url`), the page sells
 * that configuration's plan, copies its metadata to the membership and, once paid, sends the
 * browser to its `redirect_url` (303) with `status=succeeded&payment=pay_…`, as Whop does.
 */
import type { NextFunction, Request, Response } from 'express';
import type { CsrfProtection } from '../control/csrf-protection.ts';
import type { SandboxCore } from '../sandbox-core.ts';
import { SandboxError, ValidationError } from '../sandbox-errors.ts';
import { chosenUser, parseCheckoutForm } from './checkout-form.ts';
import { renderCheckoutPage } from './checkout-page-renderer.ts';
import {
  appDashboardUrl,
  checkoutOffer,
  paymentResultView,
  returnUrlAfterPayment,
  userChoice,
} from './checkout-views.ts';
import type { CheckoutConfigurationRecord } from '../state/checkout-configuration-store.ts';
import { NotFoundError } from '../sandbox-errors.ts';
import type { CheckoutOffer } from './checkout-views.ts';

type ProductRequest = Request<{ productId: string }>;

export interface CheckoutController {
  show(req: ProductRequest, res: Response, next: NextFunction): Promise<void>;
  pay(req: ProductRequest, res: Response, next: NextFunction): Promise<void>;
}

export function createCheckoutController(core: SandboxCore, csrf: CsrfProtection): CheckoutController {
  const { state } = core;

  const renderForm = (
    req: ProductRequest,
    res: Response,
    status: number,
    offer: CheckoutOffer,
    selectedUser: string,
    error: string | null,
    session: CheckoutConfigurationRecord | undefined,
  ) =>
    renderCheckoutPage(res, status, 'checkout', {
      title: `Checkout: ${offer.product.title}`,
      offer,
      sessionId: session?.id ?? null,
      users: state.listUsers().map(userChoice),
      selectedUser,
      error,
      csrfToken: csrf.tokenFor(req, res),
    });

  /** The checkout configuration named by `?session=` / the form, which must sell a plan of this product. */
  const sessionOf = (productId: string, id: unknown): CheckoutConfigurationRecord | undefined => {
    if (id === undefined || id === '') return undefined;
    const record = typeof id === 'string' ? core.checkoutConfigurations.get(id) : undefined;
    const plan = record ? state.getPlan(record.plan_id) : undefined;
    if (!record || plan?.product_id !== productId)
      throw new NotFoundError('This checkout link has expired or does not exist.');
    return record;
  };

  const takePayment = (offer: CheckoutOffer, session: CheckoutConfigurationRecord | undefined, body: unknown) => {
    const form = parseCheckoutForm(body);
    const user = state.getUser(form.user);
    // The picker lists the sandbox's users; anyone else is a bad choice, not a missing page.
    if (!user) throw new ValidationError(`User ${form.user} is not in the sandbox; choose who pays.`);
    const { result, events } = core.events.capture(() =>
      core.payments.take({
        userId: user.id,
        productId: offer.product.id,
        planId: session?.plan_id,
        metadata: session?.metadata,
        outcome: form.outcome,
      }),
    );
    return { user, result, events };
  };

  return {
    async show(req, res, next) {
      if (!state.getProduct(req.params.productId)) return next();
      const session = sessionOf(req.params.productId, req.query.session);
      const offer = checkoutOffer(core, req.params.productId, session?.plan_id);
      if (!offer) return next();
      const wanted = typeof req.query.user === 'string' ? req.query.user.slice(0, 100) : '';
      const known = wanted !== '' && state.getUser(wanted) !== undefined;
      const error = wanted && !known ? `User ${wanted} is not in the sandbox; choose who pays below.` : null;
      await renderForm(req, res, 200, offer, known ? wanted : '', error, session);
    },

    async pay(req, res, next) {
      if (!state.getProduct(req.params.productId)) return next();
      const session = sessionOf(req.params.productId, (req.body as { session?: unknown } | undefined)?.session);
      const offer = checkoutOffer(core, req.params.productId, session?.plan_id);
      if (!offer) return next();
      let paid: ReturnType<typeof takePayment>;
      try {
        paid = takePayment(offer, session, req.body);
      } catch (error) {
        if (!(error instanceof SandboxError)) throw error;
        await renderForm(req, res, error.status, offer, chosenUser(req.body), error.message, session);
        return;
      }
      if (session?.redirect_url && paid.result.payment.substatus === 'succeeded') {
        res.redirect(303, returnUrlAfterPayment(session.redirect_url, paid.result.payment.id));
        return;
      }
      const view = paymentResultView(paid.result.payment, paid.result.membership, paid.events);
      await renderCheckoutPage(res, 200, 'result', {
        title: view.paid ? 'Payment succeeded' : 'Payment declined',
        offer,
        user: userChoice(paid.user),
        ...view,
        dashboardUrl: appDashboardUrl(core.options.app),
      });
    },
  };
}
