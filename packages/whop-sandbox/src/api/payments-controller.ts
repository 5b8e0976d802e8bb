/** `GET /payments` (filters, cursor pagination) and `GET /payments/{id}`. */
import type { Request, Response } from 'express';
import { ForbiddenError, NotFoundError } from '../sandbox-errors.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { serializePayment } from '../serializers/payment-serializer.ts';
import { credentialOf } from './api-credential.ts';
import type { CompanyScope } from './company-scope.ts';
import { paginate } from './cursor-pagination.ts';
import { ListQuery } from './list-query.ts';

const RECEIPT_STATUSES = ['draft', 'open', 'paid', 'pending', 'uncollectible', 'unresolved', 'void'] as const;
const SUBSTATUSES = ['succeeded', 'pending', 'failed', 'canceled', 'refunded', 'partially_refunded'] as const;

export function createPaymentsController(ctx: SerializerContext, scope: CompanyScope) {
  return {
    list(req: Request, res: Response): void {
      const query = new ListQuery(req);
      const credential = credentialOf(res);
      const companyId = query.string('company_id');
      if (companyId) scope.assert(res, companyId);
      const productIds = query.array('product_ids');
      const planIds = query.array('plan_ids');
      const statuses = query.arrayOf('statuses', RECEIPT_STATUSES);
      const substatuses = query.arrayOf('substatuses', SUBSTATUSES);
      const rows = ctx.state
        .listPayments()
        .filter(
          (p) =>
            (credential.kind === 'app' || p.user_id === credential.userId) &&
            scope.allows(res, p.company_id) &&
            (!companyId || p.company_id === companyId) &&
            (!productIds || productIds.includes(p.product_id)) &&
            (!planIds || planIds.includes(p.plan_id)) &&
            (!statuses || statuses.includes(p.status)) &&
            (!substatuses || substatuses.includes(p.substatus)),
        );
      res.json(paginate(rows, query, (p) => serializePayment(ctx, p)));
    },

    retrieve(req: Request<{ id: string }>, res: Response): void {
      const payment = ctx.state.getPayment(req.params.id);
      if (!payment) throw new NotFoundError(`Payment ${req.params.id} was not found.`);
      const credential = credentialOf(res);
      if (credential.kind === 'user' && payment.user_id !== credential.userId) {
        throw new ForbiddenError('This payment belongs to another user.');
      }
      scope.assert(res, payment.company_id);
      res.json(serializePayment(ctx, payment));
    },
  };
}
