/**
 * `GET /users/{id}/access/{resource_id}`: `admin` for an admin of the company (a `biz_`
 * resource, the company owning a `prod_` or an `exp_`), `customer` for a holder of a valid
 * membership (of that product; for a company, of any of its products), else `no_access`.
 */
import { NotFoundError, ValidationError } from '../sandbox-errors.ts';
import { ExperienceService } from './experience-service.ts';
import { isValidStatus } from '../state/sandbox-records.ts';
import type { SandboxState } from '../state/sandbox-state.ts';

export type AccessLevel = 'admin' | 'customer' | 'no_access';

export interface AccessResult {
  has_access: boolean;
  access_level: AccessLevel;
}

export function checkAccess(state: SandboxState, userId: string, resourceId: string): AccessResult {
  if (!state.getUser(userId)) throw new NotFoundError(`User ${userId} was not found.`);
  let companyId: string;
  let productIds: Set<string>;
  if (resourceId.startsWith('biz_')) {
    const company = state.getCompany(resourceId);
    if (!company) throw new NotFoundError(`Company ${resourceId} was not found.`);
    companyId = company.id;
    productIds = new Set(
      state
        .listProducts()
        .filter((p) => p.company_id === company.id)
        .map((p) => p.id),
    );
  } else if (resourceId.startsWith('prod_')) {
    const product = state.getProduct(resourceId);
    if (!product) throw new NotFoundError(`Product ${resourceId} was not found.`);
    companyId = product.company_id;
    productIds = new Set([product.id]);
  } else if (resourceId.startsWith('exp_')) {
    // An experience grants what its company's products grant (Whop: the products it is attached to).
    const experience = new ExperienceService(state).find(resourceId);
    if (!experience) throw new NotFoundError(`Experience ${resourceId} was not found.`);
    companyId = experience.company.id;
    productIds = new Set(experience.products.map((p) => p.id));
  } else {
    throw new ValidationError(
      `The sandbox checks access to companies (biz_…), products (prod_…) and experiences (exp_…), not ${resourceId}.`,
    );
  }
  if (state.getCompany(companyId)?.admin_user_ids.includes(userId)) return { has_access: true, access_level: 'admin' };
  const customer = state
    .listMemberships()
    .some((m) => m.user_id === userId && productIds.has(m.product_id) && isValidStatus(m.status));
  return customer ? { has_access: true, access_level: 'customer' } : { has_access: false, access_level: 'no_access' };
}
