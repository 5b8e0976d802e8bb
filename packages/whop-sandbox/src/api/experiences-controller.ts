/** `GET /experiences/{id}`: an experience of the app, with its company (API key: installed companies only). */
import type { Request, Response } from 'express';
import type { SandboxAppRegistration } from '../sandbox-contracts.ts';
import { NotFoundError } from '../sandbox-errors.ts';
import { serializeExperience } from '../serializers/experience-serializer.ts';
import type { ExperienceService } from '../services/experience-service.ts';
import type { CompanyScope } from './company-scope.ts';

export function createExperiencesController(
  experiences: ExperienceService,
  app: SandboxAppRegistration,
  scope: CompanyScope,
) {
  return {
    retrieve(req: Request<{ id: string }>, res: Response): void {
      const experience = experiences.find(req.params.id);
      if (!experience) throw new NotFoundError(`Experience ${req.params.id} was not found.`);
      scope.assert(res, experience.company.id);
      res.json(serializeExperience(experience, app));
    },
  };
}
