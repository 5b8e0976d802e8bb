/** HTTP side of `/oauth/authorize` and the consent page's decision. */
import type { Request, Response } from 'express';
import type { UserDirectory } from '../sandbox-contracts.ts';
import type { AuthorizationService, AuthorizeOutcome } from './authorization-service.ts';
import { AuthorizationPageError, AuthorizationRedirectError } from './oidc-errors.ts';
import { bodyRecord, consentDecisionSchema } from './oidc-request-schemas.ts';
import { renderOidcPage } from './oidc-views.ts';

const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Your Whop user id',
  profile: 'Your name, username and profile picture',
  email: 'Your email address',
};

export interface AuthorizeController {
  authorize(req: Request, res: Response): Promise<void>;
  decide(req: Request, res: Response): Promise<void>;
}

export function createAuthorizeController(deps: {
  authorization: AuthorizationService;
  users: UserDirectory;
  /** Called when a user approves on the consent page (before the redirect to the app). */
  onSignedIn?: ((res: Response, userId: string) => void) | undefined;
}): AuthorizeController {
  const { authorization, users } = deps;

  async function respond(res: Response, outcome: AuthorizeOutcome): Promise<void> {
    if (outcome.kind === 'redirect') {
      res.set('Cache-Control', 'no-store').redirect(302, outcome.location);
      return;
    }
    const { request, handle, problem } = outcome;
    const redirectOrigin = new URL(request.redirectUri).origin;
    await renderOidcPage(
      res,
      problem === undefined ? 200 : 400,
      'authorize',
      {
        clientId: request.clientId,
        redirectOrigin,
        scopes: request.scope.split(' ').map((scope) => SCOPE_DESCRIPTIONS[scope] ?? scope),
        users: users.listUsers(),
        handle,
        problem: problem ?? null,
      },
      [redirectOrigin],
    );
  }

  return {
    async authorize(req, res) {
      const params = req.method === 'POST' ? bodyRecord(req.body) : req.query;
      let outcome: AuthorizeOutcome;
      try {
        outcome = authorization.begin(params);
      } catch (err) {
        if (!(err instanceof AuthorizationRedirectError)) throw err;
        outcome = { kind: 'redirect', location: authorization.errorLocation(err) };
      }
      await respond(res, outcome);
    },

    async decide(req, res) {
      const parsed = consentDecisionSchema.safeParse(bodyRecord(req.body));
      if (!parsed.success) {
        throw new AuthorizationPageError(
          'Invalid answer',
          'The sign-in form was incomplete. Start again from the app.',
        );
      }
      const { handle, decision, user_id: userId } = parsed.data;
      const outcome = authorization.decide(handle, decision, userId);
      if (outcome.kind === 'redirect' && decision === 'approve' && userId && deps.users.getUser(userId))
        deps.onSignedIn?.(res, userId);
      await respond(res, outcome);
    },
  };
}
