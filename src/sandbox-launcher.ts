/**
 * Starts the Whop sandbox from Chronos's configuration (development only): the same client
 * id, secrets and company as the app, the app's callback and webhook URLs registered, and
 * its state and signing key kept under `var/sandbox`.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { PATHS } from './http/route-paths.ts';
import type { SandboxOptions } from './sandbox/sandbox-contracts.ts';
import { startSandbox, type RunningSandbox } from './sandbox/sandbox-server.ts';

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
    logger: logger.child({ name: 'whop-sandbox' }),
  };
}

export function launchSandbox(config: Readonly<Config>, logger: Logger): Promise<RunningSandbox> {
  return startSandbox(sandboxOptionsFrom(config, logger), config.sandboxPort, 'localhost');
}
