/** Wires the provider's URLs to its controllers, body parsers and error handlers. */
import express from 'express';
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { AuthorizeController } from './authorize-controller.ts';
import type { DiscoveryController } from './discovery-controller.ts';
import { createOidcErrorHandler } from './oidc-error-handler.ts';
import type { TokenController } from './token-controller.ts';
import type { UserinfoHandler } from './userinfo-controller.ts';

export interface OidcControllers {
  discovery: DiscoveryController;
  authorize: AuthorizeController;
  token: TokenController;
  userinfo: UserinfoHandler;
}

const BODY_LIMIT = '32kb';

export function createOidcRouter(controllers: OidcControllers, logger: Logger): Router {
  const { discovery, authorize, token, userinfo } = controllers;
  const form = express.urlencoded({ extended: false, limit: BODY_LIMIT });
  const json = express.json({ limit: BODY_LIMIT });
  const pageErrors = createOidcErrorHandler('page', logger);
  const jsonErrors = createOidcErrorHandler('json', logger);

  const router = express.Router();
  router.get('/.well-known/openid-configuration', discovery.configuration);
  router.get('/.well-known/jwks.json', discovery.jwks);

  router.get('/oauth/authorize', authorize.authorize, pageErrors);
  router.post('/oauth/authorize', form, authorize.authorize, pageErrors);
  router.post('/oauth/authorize/decision', form, authorize.decide, pageErrors);

  router.post('/oauth/token', form, json, token.token, jsonErrors);
  router.post('/oauth/revoke', form, json, token.revoke, jsonErrors);

  router.get('/oauth/userinfo', userinfo, jsonErrors);
  router.post('/oauth/userinfo', form, userinfo, jsonErrors);
  return router;
}
