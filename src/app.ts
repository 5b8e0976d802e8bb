/**
 * Builds the Chronos Express app from its dependencies. It does not listen: `server.ts` does,
 * and tests build it with their own dependencies.
 */
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Sequelize } from 'sequelize';
import type { Config } from './config/config.ts';
import type { Models } from './models/init-models.ts';
import { requestLogger } from './middleware/request-logger.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { jsonErrorHandler, notFound, pageErrorHandler } from './middleware/error-handlers.ts';
import { createSessionMiddleware } from './sessions/session-middleware.ts';
import { enforceAbsoluteLifetime, refreshSessionExpiry } from './sessions/session-lifecycle.ts';
import { anonymousSessionLifetime } from './sessions/anonymous-session-lifetime.ts';
import { layoutEngine } from './views/layout-engine.ts';
import { viewHelpers } from './views/view-helpers.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { webhookRoutes } from './routes/webhook-routes.ts';
import { PATHS } from './http/route-paths.ts';
import { pageRoutes } from './routes/page-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { dashboardRoutes } from './routes/dashboard-routes.ts';
import { pricingRoutes } from './routes/pricing-routes.ts';
import { checkoutOrigins } from './http/checkout-origins.ts';
import { videoLibraryRoutes } from './routes/video-library-routes.ts';
import { vendorRoutes } from './routes/vendor-routes.ts';
import { uploadRoutes } from './routes/upload-routes.ts';
import { apiRoutes } from './routes/api-routes.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { courseRoutes, mediaRoutes } from './routes/course-routes.ts';
import { signedMediaRoutes } from './routes/signed-media-routes.ts';
import { courseBuilderRoutes } from './routes/course-builder-routes.ts';
import { loadCurrentUser } from './middleware/current-user.ts';
import { csrfProtection } from './middleware/csrf-protection.ts';
import { sessionEndedHandler } from './middleware/session-ended-handler.ts';
import { flashLocals } from './middleware/flash-locals.ts';
import { deferBodyErrors } from './middleware/deferred-body-errors.ts';
import type { TokenSafeSessionStore } from './sessions/token-safe-session-store.ts';
import type { Services } from './services/build-services.ts';
import type { Metrics } from './observability/metrics.ts';
import type { ErrorReporter } from './observability/error-reporter.ts';
import { measureRequests, metricsEndpoint } from './middleware/metrics-middleware.ts';
import { httpsOnly } from './middleware/https-only.ts';
import { PUBLIC_DIR, VIEWS_DIR } from './config/project-paths.ts';
import './sessions/session-data.ts';
import { noStore } from './middleware/no-store.ts';
import { brandingAssetRoutes, settingsRoutes, settingsUploadRoutes } from './routes/settings-routes.ts';
import { embeddedUploadGuard, isEmbeddedPage, whopAppRoutes } from './routes/whop-app-routes.ts';
import { apiV1Routes } from './routes/api-v1-routes.ts';
import { API_V1_PATH } from './http/api-paths.ts';
import { apiTokenRoutes } from './routes/api-token-routes.ts';
import { FORM_BODY_MAX_BYTES } from './domain/form-limits.ts';

export interface AppDeps {
  config: Readonly<Config>;
  logger: Logger;
  sequelize: Sequelize;
  models: Models;
  sessionStore: TokenSafeSessionStore;
  redis: Redis | undefined;
  services: Services;
  /** Per-IP limit on the sign-in routes, per-user limit on the JSON API (built at the composition root). */
  rateLimiters: { auth: RequestHandler; api: RequestHandler; apiToken: RequestHandler };
  metrics: Metrics;
  reportError: ErrorReporter;
}

export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Pages are per user and carry a fresh CSRF token and CSP nonce: an ETag (a hash of each body) never matches.
  app.disable('etag');
  // How many proxies' X-Forwarded-* entries to believe: req.ip, req.secure and the rate limits follow it.
  app.set('trust proxy', config.trustProxyHops);
  // Compiled templates are cached everywhere but in development (where edits show on reload).
  const cacheViews = config.nodeEnv !== 'development';
  app.engine('ejs', layoutEngine(VIEWS_DIR, { cache: cacheViews }));
  app.set('view cache', cacheViews);
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.locals.appName = 'Chronos';
  Object.assign(app.locals, viewHelpers);
  app.locals.paths = PATHS;

  if (config.isProduction) app.use(httpsOnly(config.appUrl));
  app.use(requestLogger(logger));
  app.use(measureRequests(deps.metrics));
  app.get('/metrics', metricsEndpoint(deps.metrics, config.metricsToken));
  // Whop's deliveries come first: no page headers, static files, session or body parsers on their path.
  app.use(
    PATHS.webhook,
    webhookRoutes({
      verifier: deps.services.webhookVerifier,
      inbox: deps.services.webhookInbox,
      logger,
      reportError: deps.reportError,
    }),
  );
  // A player's signed media URL: no page headers, session or user query on its path (signed-media-routes.ts).
  app.use(signedMediaRoutes({ services: deps.services, logger, reportError: deps.reportError }));
  app.use(
    securityHeaders({
      isProduction: config.isProduction,
      mediaOrigins: deps.services.mediaStorage.playbackOrigins ?? [],
      formTargets: checkoutOrigins(config),
      embedded: { isEmbedded: isEmbeddedPage, frameAncestors: config.whopApp.frameAncestors },
    }),
  );
  app.use('/static', express.static(PUBLIC_DIR, { maxAge: config.isProduction ? '1d' : 0, index: false }));
  app.use(vendorRoutes());
  app.use(noStore);
  app.use(healthRoutes(deps.services.readiness));
  // The Whop App's embedded pages: Whop's user token, no session or cookie (whop-app-routes.ts).
  app.use(whopAppRoutes({ services: deps.services, logger, reportError: deps.reportError }));
  // Before the body parsers and the session: raw body, no cookie, no rate limit (SPEC §6).
  const bodies = deferBodyErrors(
    express.urlencoded({ extended: false, limit: FORM_BODY_MAX_BYTES }),
    express.json({ limit: FORM_BODY_MAX_BYTES }),
  );
  app.use(bodies.parse);
  // The creator API: Bearer tokens only, before the session middleware so no cookie authenticates it.
  app.use(
    API_V1_PATH,
    apiV1Routes({
      services: deps.services,
      rateLimiter: deps.rateLimiters.apiToken,
      appUrl: config.appUrl,
      logger,
      reportError: deps.reportError,
    }),
  );
  app.use(createSessionMiddleware(config, deps.sessionStore));
  app.use(enforceAbsoluteLifetime());
  app.use(anonymousSessionLifetime());
  app.use(refreshSessionExpiry(deps.sessionStore));
  const { services } = deps;
  app.use(loadCurrentUser(services));
  app.use(flashLocals);
  app.use(bodies.raise);
  app.use(mediaRoutes({ services }));
  app.use(brandingAssetRoutes({ services }));

  app.use(
    PATHS.auth,
    authRoutes({
      config,
      logger,
      signIn: services.signIn,
      vault: services.vault,
      oidc: services.oidc,
      tiers: services.tiers,
      rateLimiter: deps.rateLimiters.auth,
    }),
  );
  // Multipart: reads its body, then checks the CSRF token itself.
  app.use(settingsUploadRoutes({ services }));
  app.use(csrfProtection);
  app.use(settingsRoutes({ services }));
  app.use(pageRoutes());
  app.use(dashboardRoutes({ services }));
  app.use(pricingRoutes({ services }));
  app.use(videoLibraryRoutes({ services }));
  app.use(apiTokenRoutes({ services, appUrl: config.appUrl }));
  app.use(
    uploadRoutes({
      datastore: services.mediaStorage.uploads,
      locker: services.uploadLocker,
      uploads: services.uploads,
      uploadMaxBytes: config.media.uploadMaxBytes,
      logger,
      embedded: embeddedUploadGuard(services),
    }),
  );
  app.use(courseRoutes({ services }));
  app.use(courseBuilderRoutes({ services }));
  app.use('/api', apiRoutes({ services, rateLimiter: deps.rateLimiters.api }));
  app.use('/admin', adminRoutes({ ...services, logger }));

  app.use(notFound);
  app.use(sessionEndedHandler);
  app.use('/api', jsonErrorHandler(logger, deps.reportError));
  app.use(pageErrorHandler(logger, deps.reportError));
  return app;
}
