/**
 * `POST /checkout_configurations` (payment mode, an existing `plan_id`), `GET` and `DELETE`
 * `/checkout_configurations/{id}`, as Whop's v1 API documents them: the answer carries the
 * `purchase_url` to send the buyer to, and after paying the buyer is sent to `redirect_url`
 * (see the checkout pages). Inline `plan` objects and `setup` mode are not modelled: refused
 * with a clear 400 rather than half-done.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../sandbox-errors.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { serializeCheckoutConfiguration } from '../serializers/checkout-configuration-serializer.ts';
import type { CheckoutConfigurationStore } from '../state/checkout-configuration-store.ts';
import { parseBody } from '../parse-body.ts';
import type { CompanyScope } from './company-scope.ts';

const webUrl = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

const createSchema = z.object({
  plan_id: z.string().startsWith('plan_').nullish(),
  plan: z.unknown().optional(),
  mode: z.enum(['payment', 'setup']).optional(),
  account_id: z.string().startsWith('biz_').nullish(),
  company_id: z.string().startsWith('biz_').nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  redirect_url: webUrl.nullish(),
  affiliate_code: z.string().max(100).nullish(),
});

export function createCheckoutConfigurationsController(
  ctx: SerializerContext,
  store: CheckoutConfigurationStore,
  scope: CompanyScope,
) {
  const find = (id: string) => {
    const record = store.get(id);
    if (!record) throw new NotFoundError(`Checkout configuration ${id} was not found.`);
    return record;
  };

  return {
    create(req: Request, res: Response): void {
      const body = parseBody(createSchema, req.body);
      if (body.mode === 'setup') throw new ValidationError('The sandbox does not model setup-mode checkouts.');
      if (body.plan !== undefined) throw new ValidationError('Give plan_id; inline plans are not modelled.');
      if (!body.plan_id) throw new ValidationError('Invalid request: plan_id: required');
      const plan = ctx.state.getPlan(body.plan_id);
      if (!plan) throw new NotFoundError(`Plan ${body.plan_id} was not found.`);
      const companyId = body.account_id ?? body.company_id ?? plan.company_id;
      if (companyId !== plan.company_id) throw new ValidationError(`Plan ${plan.id} is not a plan of ${companyId}.`);
      scope.assert(res, companyId);
      const record = store.add({
        company_id: companyId,
        plan_id: plan.id,
        metadata: body.metadata ?? {},
        redirect_url: body.redirect_url ?? null,
        affiliate_code: body.affiliate_code ?? null,
      });
      res.status(201).json(serializeCheckoutConfiguration(ctx, record));
    },

    retrieve(req: Request<{ id: string }>, res: Response): void {
      res.json(serializeCheckoutConfiguration(ctx, find(req.params.id)));
    },

    remove(req: Request<{ id: string }>, res: Response): void {
      const record = find(req.params.id);
      scope.assert(res, record.company_id);
      store.delete(record.id);
      res.status(204).end();
    },
  };
}
