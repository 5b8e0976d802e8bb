/** Wires `/api/v1`: bearer auth, per-credential rate limit, Whop v1 endpoints, JSON errors. */
import express from 'express';
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { AccessTokenResolver } from '../sandbox-contracts.ts';
import type { ForcedRateLimit } from '../sandbox-core.ts';
import type { SerializerContext } from '../serializers/catalog-serializer.ts';
import type { ExperienceService } from '../services/experience-service.ts';
import type { SandboxAppRegistration } from '../sandbox-contracts.ts';
import type { InstallationService } from '../services/installation-service.ts';
import { authenticateApi } from './api-credential.ts';
import { jsonErrorHandler, jsonNotFound } from './api-error-handler.ts';
import { limitApiRate } from './api-rate-limiter.ts';
import { createCatalogController } from './catalog-controller.ts';
import { createCheckoutConfigurationsController } from './checkout-configurations-controller.ts';
import type { CheckoutConfigurationStore } from '../state/checkout-configuration-store.ts';
import { createCompanyScope } from './company-scope.ts';
import { createExperiencesController } from './experiences-controller.ts';
import { createMembershipsController } from './memberships-controller.ts';
import { createPaymentsController } from './payments-controller.ts';
import { createUsersController } from './users-controller.ts';

export interface ApiRouterDeps {
  ctx: SerializerContext;
  apiKey: string;
  companyId: string;
  tokens: AccessTokenResolver;
  rateLimitPerMinute: number;
  /** 429s forced from the control surfaces, answered before the per-minute limit. */
  forcedRateLimit: ForcedRateLimit;
  installations: InstallationService;
  checkoutConfigurations: CheckoutConfigurationStore;
  experiences: ExperienceService;
  app: SandboxAppRegistration;
  logger: Logger;
}

export function createApiRouter(deps: ApiRouterDeps): Router {
  const router = express.Router();
  const scope = createCompanyScope(deps.installations);
  const users = createUsersController(deps.ctx, scope);
  const memberships = createMembershipsController(deps.ctx, scope);
  const catalog = createCatalogController(deps.ctx, deps.companyId, scope);
  const payments = createPaymentsController(deps.ctx, scope);
  const checkouts = createCheckoutConfigurationsController(deps.ctx, deps.checkoutConfigurations, scope);
  const experiences = createExperiencesController(deps.experiences, deps.app, scope);

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(authenticateApi({ apiKey: deps.apiKey, tokens: deps.tokens }));
  router.use(limitApiRate(deps.rateLimitPerMinute, deps.forcedRateLimit));
  router.use(express.json({ limit: '100kb' }));

  router.get('/users/:id', users.retrieve);
  router.get('/users/:id/access/:resourceId', users.checkAccess);
  router.get('/memberships', memberships.list);
  router.get('/memberships/:id', memberships.retrieve);
  router.get('/products', catalog.listProducts);
  router.post('/products', catalog.createProduct);
  router.get('/products/:id', catalog.retrieveProduct);
  router.get('/plans', catalog.listPlans);
  router.get('/plans/:id', catalog.retrievePlan);
  router.get('/companies', catalog.listCompanies);
  router.get('/companies/:id', catalog.retrieveCompany);
  router.get('/payments', payments.list);
  router.get('/payments/:id', payments.retrieve);
  router.post('/checkout_configurations', checkouts.create);
  router.get('/checkout_configurations/:id', checkouts.retrieve);
  router.delete('/checkout_configurations/:id', checkouts.remove);
  router.get('/experiences', experiences.list);
  router.get('/experiences/:id', experiences.retrieve);

  router.use(jsonNotFound());
  router.use(jsonErrorHandler(deps.logger));
  return router;
}
