/**
 * Chronos's one door to the Whop sandbox (`@chronos/whop-sandbox`, a development-only workspace
 * package): starts it from Chronos's configuration (the same client id, secrets and company as
 * the app, the app's callback and webhook URLs registered, its state and signing key kept under
 * `var/sandbox`) and runs its CLI against it. Loaded only on demand, in development; `npm run
 * lint` keeps every other product module from importing the package.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { PATHS } from '../http/route-paths.ts';
import { runWhopCli, startSandbox, type RunningSandbox, type SandboxOptions } from '@chronos/whop-sandbox';

export function sandboxOptionsFrom(config: Readonly<Config>, logger: Logger): SandboxOptions {
  if (config.isProduction) throw new Error('the Whop sandbox never runs in production');
  const webhookSecret = config.whop.webhookSecrets[0];
  if (!webhookSecret) throw new Error('no webhook secret configured');
  return {
    origin: config.sandboxOrigin,
    app: {
      clientId: config.whop.clientId,
      clientSecret: config.whop.clientSecret,
      redirectUri: `${config.appUrl}${PATHS.callback}`,
      webhookUrl: `${config.appUrl}${PATHS.webhook}`,
      webhookSecret,
      apiKey: config.whop.apiKey,
      companyId: config.whop.companyId,
      // Registered as the app is configured, as on Whop's dashboard (public clients: PKCE only).
      tokenEndpointAuthMethod: config.whop.oauthClientAuth,
    },
    dataDir: join(config.varDir, 'sandbox'),
    accessTokenTtlSeconds: config.sandboxAccessTokenTtlSeconds,
    webhookRetryDelaysMs: [1_000, 5_000, 30_000, 120_000],
    apiRateLimitPerMinute: 600,
    deliverWebhooks: true,
    // The Whop frame pages (/sandbox/whop/…) show the app through this port, as whop.com does.
    appProxyPort: config.whopApp.sandboxAppProxyPort,
    logger: logger.child({ name: 'whop-sandbox' }),
  };
}

export function launchSandbox(config: Readonly<Config>, logger: Logger): Promise<RunningSandbox> {
  return startSandbox(sandboxOptionsFrom(config, logger), config.sandboxPort, 'localhost');
}

/** `npm run whop`: the sandbox's CLI, pointed at the sandbox of this configuration. */
export function runSandboxCli(config: Readonly<Config>, argv: string[]): Promise<number> {
  if (config.isProduction) throw new Error('the Whop sandbox never runs in production');
  return runWhopCli(argv, {
    sandboxUrl: config.sandboxOrigin,
    webhookSecret: config.whop.webhookSecrets[0] ?? '',
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
