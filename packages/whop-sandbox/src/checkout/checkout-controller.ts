/**
 * The checkout pages: show a product with a user picker, and pay for it. Paying is the
 * control API's payment (`user` + `product`, outcome `succeeded` or `failed`), taken by
 * the payment service, which creates or renews the membership and fires the webhooks.
 */
import type { NextFunction, Request, Response } from 'express';
import type { CsrfProtection } from '../control/csrf-protection.ts';
import type { SandboxCore } from '../sandbox-core.ts';
import { SandboxError, ValidationError } from '../sandbox-errors.ts';
import { chosenUser, parseCheckoutForm } from './checkout-form.ts';
import { renderCheckoutPage } from './checkout-page-renderer.ts';
import { appDashboardUrl, checkoutOffer, paymentResultView, userChoice } from './checkout-views.ts';
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
  ) =>
    renderCheckoutPage(res, status, 'checkout', {
      title: `Checkout: ${offer.product.title}`,
      offer,
      users: state.listUsers().map(userChoice),
      selectedUser,
      error,
      csrfToken: csrf.tokenFor(req, res),
    });

  const takePayment = (offer: CheckoutOffer, body: unknown) => {
    const form = parseCheckoutForm(body);
    const user = state.getUser(form.user);
    // The picker lists the sandbox's users; anyone else is a bad choice, not a missing page.
    if (!user) throw new ValidationError(`User ${form.user} is not in the sandbox; choose who pays.`);
    const { result, events } = core.events.capture(() =>
      core.payments.take({ userId: user.id, productId: offer.product.id, outcome: form.outcome }),
    );
    return { user, result, events };
  };

  return {
    async show(req, res, next) {
      const offer = checkoutOffer(core, req.params.productId);
      if (!offer) return next();
      const wanted = typeof req.query.user === 'string' ? req.query.user.slice(0, 100) : '';
      const known = wanted !== '' && state.getUser(wanted) !== undefined;
      const error = wanted && !known ? `User ${wanted} is not in the sandbox; choose who pays below.` : null;
      await renderForm(req, res, 200, offer, known ? wanted : '', error);
    },

    async pay(req, res, next) {
      const offer = checkoutOffer(core, req.params.productId);
      if (!offer) return next();
      let paid: ReturnType<typeof takePayment>;
      try {
        paid = takePayment(offer, req.body);
      } catch (error) {
        if (!(error instanceof SandboxError)) throw error;
        await renderForm(req, res, error.status, offer, chosenUser(req.body), error.message);
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
