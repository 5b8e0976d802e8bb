/**
 * The creator's API tokens page (`/settings/api`): create a token (shown once, in the
 * answer to the POST that made it: it never travels in a URL or sits in the session), see each
 * token's name, prefix, scope and last use, and revoke one. Below Pro the page says why the
 * tokens do not work and still lists them for revoking; creating one is the feature guard's.
 */
import type { Request, RequestHandler, Response } from 'express';
import { NotFoundError, ValidationError, ConflictError } from '../domain/app-errors.ts';
import { hasFeature, tierDefinition, tierUnlocking } from '../domain/tier-table.ts';
import { creatorOf } from '../middleware/require-creator.ts';
import { setFlashAt } from '../sessions/flash.ts';
import type { ApiTokenService } from '../services/api-tokens/api-token-service.ts';
import type { PlansService } from '../services/tiers/plans-service.ts';
import { API_SETTINGS_PATH, API_V1_PATH } from '../http/api-paths.ts';
import { apiTokenSchema, parseBody } from './request-schemas.ts';

interface FormState {
  name: string;
  scope: string;
  error?: string;
}

function tokenIdOf(req: Request): number {
  const raw = String(req.params.tokenId ?? '');
  if (!/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > 2_147_483_647)
    throw new NotFoundError('That token is not one of your active tokens.');
  return Number(raw);
}

export function apiTokenController(deps: {
  tokens: Pick<ApiTokenService, 'create' | 'list' | 'revoke'>;
  plans: Pick<PlansService, 'upgradeForFeature'>;
  appUrl: string;
}) {
  async function render(
    req: Request,
    res: Response,
    extra: { status?: number; form?: FormState; created?: { token: string; name: string } } = {},
  ): Promise<void> {
    const creator = creatorOf(req);
    const tokens = await deps.tokens.list(creator.id);
    const allowed = hasFeature(creator.tier, 'api_access');
    res.status(extra.status ?? 200).render('pages/api-tokens', {
      title: 'API tokens',
      creator,
      tokens,
      allowed,
      currentTier: tierDefinition(creator.tier).name,
      requiredTier: tierDefinition(tierUnlocking('api_access')).name,
      upgradeUrl: deps.plans.upgradeForFeature('api_access'),
      apiBase: `${deps.appUrl}${API_V1_PATH}`,
      settingsPath: API_SETTINGS_PATH,
      form: extra.form ?? { name: '', scope: 'read' },
      created: extra.created,
    });
  }

  const show: RequestHandler = (req, res) => render(req, res);

  const create: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = {
      name: typeof body.name === 'string' ? body.name.slice(0, 200) : '',
      scope: body.scope === 'write' ? 'write' : 'read',
    };
    try {
      const input = parseBody(apiTokenSchema, req.body);
      const { token, record } = await deps.tokens.create(creatorOf(req).id, input);
      await render(req, res, { status: 201, created: { token, name: record.name } });
    } catch (error) {
      if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
      const [first] = (error instanceof ValidationError ? (error.details as { message: string }[]) : undefined) ?? [];
      await render(req, res, {
        status: error instanceof ConflictError ? 409 : 400,
        form: { ...typed, error: first?.message ?? error.message },
      });
    }
  };

  const revoke: RequestHandler = async (req, res) => {
    const { name } = await deps.tokens.revoke(creatorOf(req).id, tokenIdOf(req));
    // Said in the token list, where the user pressed Revoke (#tokens), not at the top.
    setFlashAt(req, 'tokens', `Revoked “${name}”. Requests with it are refused from now on.`, 'ok');
    res.redirect(303, `${API_SETTINGS_PATH}#tokens`);
  };

  return { show, create, revoke };
}
