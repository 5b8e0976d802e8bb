/**
 * `GET /experiences` (a company's experiences, filters `app_id` and `product_id`, cursor
 * pagination; `company_id` required) and `GET /experiences/{id}` (one experience with its
 * company and products). With the API key: installed companies only (403 otherwise).
 */
import type { Request, Response } from 'express';
import type { SandboxAppRegistration } from '../sandbox-contracts.ts';
import { NotFoundError, ValidationError } from '../sandbox-errors.ts';
import { serializeExperience, serializeExperienceListItem } from '../serializers/experience-serializer.ts';
import type { ExperienceService } from '../services/experience-service.ts';
import type { CompanyScope } from './company-scope.ts';
import { paginate } from './cursor-pagination.ts';
import { ListQuery } from './list-query.ts';

export function createExperiencesController(
  experiences: ExperienceService,
  app: SandboxAppRegistration,
  scope: CompanyScope,
) {
  return {
    list(req: Request, res: Response): void {
      const query = new ListQuery(req);
      const companyId = query.string('company_id');
      if (!companyId) throw new ValidationError('company_id is required.');
      scope.assert(res, companyId);
      const appId = query.string('app_id');
      const productId = query.string('product_id');
      const createdAfter = query.string('created_after');
      const createdBefore = query.string('created_before');
      // Every experience of the sandbox is the registered app's (the one its installation created).
      const rows = experiences
        .listForCompany(companyId)
        .filter(
          (e) =>
            (!appId || appId === app.clientId) &&
            (!productId || e.products.some((p) => p.id === productId)) &&
            (!createdAfter || e.created_at > createdAfter) &&
            (!createdBefore || e.created_at < createdBefore),
        );
      res.json(paginate(rows, query, (e) => serializeExperienceListItem(e, app)));
    },

    retrieve(req: Request<{ id: string }>, res: Response): void {
      const experience = experiences.find(req.params.id);
      if (!experience) throw new NotFoundError(`Experience ${req.params.id} was not found.`);
      scope.assert(res, experience.company.id);
      res.json(serializeExperience(experience, app));
    },
  };
}
