/** `GET /memberships` (filters, cursor pagination) and `GET /memberships/{id}`. */
import type { Request, Response } from 'express';
import { ForbiddenError, NotFoundError, ValidationError } from '../sandbox-errors.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { serializeMembership } from '../serializers/membership-serializer.ts';
import { MEMBERSHIP_STATUSES } from '../state/sandbox-records.ts';
import { credentialOf } from './api-credential.ts';
import type { CompanyScope } from './company-scope.ts';
import { paginate } from './cursor-pagination.ts';
import { ListQuery } from './list-query.ts';

export function createMembershipsController(ctx: SerializerContext, scope: CompanyScope) {
  return {
    list(req: Request, res: Response): void {
      const query = new ListQuery(req);
      const credential = credentialOf(res);
      const companyId = query.string('company_id');
      if (credential.kind === 'app' && !companyId) {
        throw new ValidationError('company_id is required when listing memberships with an API key.');
      }
      if (companyId) scope.assert(res, companyId);
      const userIds = query.array('user_ids');
      const productIds = query.array('product_ids');
      const planIds = query.array('plan_ids');
      const statuses = query.arrayOf('statuses', MEMBERSHIP_STATUSES);
      const createdAfter = query.string('created_after');
      const createdBefore = query.string('created_before');
      const rows = ctx.state
        .listMemberships()
        .filter(
          (m) =>
            (credential.kind === 'app' || m.user_id === credential.userId) &&
            (!companyId || m.company_id === companyId) &&
            (!userIds || userIds.includes(m.user_id)) &&
            (!productIds || productIds.includes(m.product_id)) &&
            (!planIds || planIds.includes(m.plan_id)) &&
            (!statuses || statuses.includes(m.status)) &&
            (!createdAfter || m.created_at > createdAfter) &&
            (!createdBefore || m.created_at < createdBefore),
        );
      res.json(paginate(rows, query, (m) => serializeMembership(ctx, m)));
    },

    retrieve(req: Request<{ id: string }>, res: Response): void {
      const membership = ctx.state.getMembership(req.params.id);
      if (!membership) throw new NotFoundError(`Membership ${req.params.id} was not found.`);
      const credential = credentialOf(res);
      if (credential.kind === 'user' && membership.user_id !== credential.userId) {
        throw new ForbiddenError('This membership belongs to another user.');
      }
      scope.assert(res, membership.company_id);
      res.json(serializeMembership(ctx, membership));
    },
  };
}
