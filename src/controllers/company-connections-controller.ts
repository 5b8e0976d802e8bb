/**
 * For the admin's webhooks page: the companies Chronos cannot reach (the app uninstalled) and
 * the creators whose owner lost their rights on Whop or that changed hands, read into
 * `res.locals.companyConnections` for the `company-connections` partial.
 */
import type { RequestHandler } from 'express';
import type { CreatorAccessService } from '../services/creator-access-service.ts';

export function companyConnections(access: CreatorAccessService): RequestHandler {
  return async (_req, res, next) => {
    res.locals.companyConnections = await access.overview();
    next();
  };
}
