/**
 * The Whop sandbox's composition root: a separate Express app (dev and tests only,
 * never production) serving the OIDC provider (`/.well-known/*`, `/oauth/*`), Whop's
 * v1 REST API (`/api/v1`), the control API (`/sandbox/api`), the checkout pages
 * (`/sandbox/checkout`), the app install page (`/sandbox/apps/<app id>/install`), the
 * control UI (`/sandbox`) and its static files
 * (`/sandbox/static`). It does not listen.
 */
import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import { createApiRouter } from './api/api-router.ts';
import { jsonErrorHandler, jsonNotFound } from './api/api-error-handler.ts';
import { createCheckoutRouter } from './checkout/checkout-router.ts';
import { createControlApiRouter } from './control/control-api-router.ts';
import { createControlUiRouter } from './control/control-ui-router.ts';
import { createInstallRouter } from './install/install-router.ts';
import { createSandboxSession, type SandboxSession } from './install/sandbox-session.ts';
import { createWhopFrameRouter } from './app-proxy/whop-frame-router.ts';
import { createOidcProvider } from './oidc/oidc-provider.ts';
import type { OidcProvider } from './oidc/oidc-provider.ts';
import type { SandboxOptions } from './sandbox-contracts.ts';
import { createSandboxCore } from './sandbox-core.ts';
import { hostAllowList } from './host-allow-list.ts';
import type { SandboxCore } from './sandbox-core.ts';
import type { SandboxState } from './state/sandbox-state.ts';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export interface Sandbox {
  app: express.Express;
  state: SandboxState;
  /** Services (deliveries, memberships, payments, mailbox, reset) for tests and entry points. */
  core: SandboxCore;
  oidc: OidcProvider;
  options: SandboxOptions;
  /** Who is signed in to the sandbox's whop.com in a browser (its cookie). */
  session: SandboxSession;
  /** Cancels pending webhook retries and writes pending state; does not stop a server. */
  close(): Promise<void>;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function securityHeaders(options: SandboxOptions): express.RequestHandler {
  // The consent form's POST ends in a redirect to the app; browsers check form-action on it.
  const formTargets = ["'self'", originOf(options.app.redirectUri)].filter((v): v is string => Boolean(v));
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: formTargets,
        // The Whop frame pages (app-proxy/) show the app through the app proxy's origin.
        frameSrc: ["'self'", ...(options.appProxyOrigin ? [options.appProxyOrigin] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // Served over plain http on localhost.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const core = await createSandboxCore(options);
  const session = createSandboxSession();
  let oidc: OidcProvider;
  try {
    oidc = await createOidcProvider({
      options,
      users: core.state,
      clock: options.now,
      authMethod: () => core.settings.tokenEndpointAuthMethod,
      onSignedIn: (res, userId) => session.signIn(res, userId),
    });
  } catch (error) {
    await core.close();
    throw error;
  }
  core.onUserDeleted.add((userId) => oidc.revokeAllForUser(userId));
  const logger = options.logger.child({ component: 'sandbox-http' });

  const app = express();
  app.disable('x-powered-by');
  // First: a request addressed to a foreign name (DNS rebinding) reaches nothing.
  app.use(hostAllowList(options.origin));
  app.use(securityHeaders(options));
  app.use((req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      // Paths only: query strings can carry codes and tokens.
      logger.debug(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) },
        'sandbox request',
      );
    });
    next();
  });

  app.use(oidc.router);
  app.use(
    '/api/v1',
    createApiRouter({
      ctx: core.ctx,
      apiKey: options.app.apiKey,
      companyId: options.app.companyId,
      tokens: oidc,
      rateLimitPerMinute: options.apiRateLimitPerMinute,
      forcedRateLimit: core.rateLimit,
      installations: core.installations,
      checkoutConfigurations: core.checkoutConfigurations,
      experiences: core.experiences,
      app: options.app,
      logger,
    }),
  );
  app.use('/sandbox/static', express.static(PUBLIC_DIR, { index: false, fallthrough: false, maxAge: '1h' }));
  app.use('/sandbox/api', createControlApiRouter(core));
  app.use('/sandbox/checkout', createCheckoutRouter(core));
  app.use('/sandbox/apps', createInstallRouter(core, session));
  app.use('/sandbox/whop', createWhopFrameRouter(core, session, options.appProxyOrigin));
  app.use('/sandbox', createControlUiRouter(core));
  app.get('/', (_req, res) => res.redirect(302, '/sandbox'));
  app.use(jsonNotFound());
  app.use(jsonErrorHandler(logger));

  return { app, state: core.state, core, oidc, options, session, close: () => core.close() };
}
