/** `GET /users/{id|username|me}` and `GET /users/{id}/access/{resource_id}`. */
import type { Request, Response } from 'express';
import { ForbiddenError, NotFoundError } from '../sandbox-errors.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import { serializeUser } from '../serializers/user-serializer.ts';
import { checkAccess } from '../services/access-service.ts';
import type { UserRecord } from '../state/sandbox-records.ts';
import { credentialOf } from './api-credential.ts';
import type { CompanyScope } from './company-scope.ts';

function resolveUser(ctx: SerializerContext, res: Response, idOrName: string): UserRecord {
  const credential = credentialOf(res);
  if (idOrName === 'me') {
    if (credential.kind !== 'user')
      throw new ForbiddenError('users/me needs a user access token; an API key stands for no user.');
    const me = ctx.state.getUser(credential.userId);
    if (!me) throw new NotFoundError(`User ${credential.userId} was not found.`);
    return me;
  }
  const user = ctx.state.getUser(idOrName) ?? ctx.state.findUserByUsername(idOrName);
  if (!user) throw new NotFoundError(`User ${idOrName} was not found.`);
  return user;
}

export function createUsersController(ctx: SerializerContext, scope: CompanyScope) {
  return {
    retrieve(req: Request<{ id: string }>, res: Response): void {
      const user = resolveUser(ctx, res, req.params.id);
      const credential = credentialOf(res);
      res.json(serializeUser(user, { includeEmail: credential.kind === 'user' && credential.userId === user.id }));
    },

    checkAccess(req: Request<{ id: string; resourceId: string }>, res: Response): void {
      const user = resolveUser(ctx, res, req.params.id);
      const credential = credentialOf(res);
      if (credential.kind === 'user' && credential.userId !== user.id) {
        throw new ForbiddenError("A user access token can only check the user's own access.");
      }
      const resourceId = req.params.resourceId;
      const companyId = resourceId.startsWith('prod_')
        ? ctx.state.getProduct(resourceId)?.company_id
        : resourceId.startsWith('biz_') && ctx.state.getCompany(resourceId)
          ? resourceId
          : undefined;
      if (companyId) scope.assert(res, companyId);
      res.json(checkAccess(ctx.state, user.id, resourceId));
    },
  };
}
