/** Products, plans and companies: `GET/POST /products`, `GET /plans`, `GET /companies`, by id. */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../sandbox-errors.ts';
import { serializeCompany, serializePlan, serializeProduct } from '../serializers/catalog-serializer.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { createProduct } from '../services/catalog-service.ts';
import { credentialOf } from './api-credential.ts';
import type { CompanyScope } from './company-scope.ts';
import { paginate } from './cursor-pagination.ts';
import { ListQuery } from './list-query.ts';
import { parseBody } from '../parse-body.ts';

const createProductSchema = z.object({
  title: z.string().trim().min(1).max(80),
  account_id: z.string().startsWith('biz_').optional(),
  company_id: z.string().startsWith('biz_').optional(),
  description: z.string().max(2000).nullish(),
  headline: z.string().max(200).nullish(),
  visibility: z.enum(['visible', 'hidden', 'archived', 'quick_link']).optional(),
});

export function createCatalogController(ctx: SerializerContext, defaultCompanyId: string, scope: CompanyScope) {
  return {
    listProducts(req: Request, res: Response): void {
      const query = new ListQuery(req);
      const companyId = query.string('account_id') ?? query.string('company_id');
      if (companyId) scope.assert(res, companyId);
      const visibilities = query.array('visibilities');
      const rows = ctx.state
        .listProducts()
        .filter(
          (p) => (!companyId || p.company_id === companyId) && (!visibilities || visibilities.includes(p.visibility)),
        );
      res.json(paginate(rows, query, (p) => serializeProduct(ctx, p)));
    },

    retrieveProduct(req: Request<{ id: string }>, res: Response): void {
      const product = ctx.state.getProduct(req.params.id);
      if (!product) throw new NotFoundError(`Product ${req.params.id} was not found.`);
      res.json(serializeProduct(ctx, product));
    },

    createProduct(req: Request, res: Response): void {
      if (credentialOf(res).kind !== 'app') throw new ForbiddenError('Creating products needs the API key.');
      const body = parseBody(createProductSchema, req.body);
      const companyId = body.account_id ?? body.company_id ?? defaultCompanyId;
      scope.assert(res, companyId);
      const product = createProduct(ctx.state, {
        companyId,
        title: body.title,
        description: body.description,
        headline: body.headline,
        visibility: body.visibility,
      });
      res.status(201).json(serializeProduct(ctx, product));
    },

    listPlans(req: Request, res: Response): void {
      const query = new ListQuery(req);
      const companyId = query.string('account_id') ?? query.string('company_id');
      if (companyId) scope.assert(res, companyId);
      const productIds = query.array('product_ids');
      const rows = ctx.state
        .listPlans()
        .filter(
          (p) => (!companyId || p.company_id === companyId) && (!productIds || productIds.includes(p.product_id)),
        );
      res.json(paginate(rows, query, (p) => serializePlan(ctx, p)));
    },

    retrievePlan(req: Request<{ id: string }>, res: Response): void {
      const plan = ctx.state.getPlan(req.params.id);
      if (!plan) throw new NotFoundError(`Plan ${req.params.id} was not found.`);
      res.json(serializePlan(ctx, plan));
    },

    /**
     * Without `parent_company_id`: the companies the caller can manage. A user access token
     * (Whop: `company:basic:read`) gets the companies the user administers; the API key gets
     * its own company and those that installed the app. The sandbox has no connected
     * accounts, so with `parent_company_id` the list is empty.
     */
    listCompanies(req: Request, res: Response): void {
      const query = new ListQuery(req);
      const credential = credentialOf(res);
      const parent = query.string('parent_company_id');
      const createdAfter = query.string('created_after');
      const createdBefore = query.string('created_before');
      const rows = parent
        ? []
        : ctx.state
            .listCompanies()
            .filter(
              (c) =>
                (credential.kind === 'app' ? scope.allows(res, c.id) : c.admin_user_ids.includes(credential.userId)) &&
                (!createdAfter || c.created_at > createdAfter) &&
                (!createdBefore || c.created_at < createdBefore),
            );
      res.json(paginate(rows, query, (c) => serializeCompany(ctx, c)));
    },

    retrieveCompany(req: Request<{ id: string }>, res: Response): void {
      const company = ctx.state.getCompany(req.params.id);
      if (!company) throw new NotFoundError(`Company ${req.params.id} was not found.`);
      scope.assert(res, company.id);
      res.json(serializeCompany(ctx, company));
    },
  };
}
