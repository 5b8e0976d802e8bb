/**
 * Starts the OIDC provider's router on a real HTTP server (127.0.0.1, port 0) with a
 * movable clock, a two-user directory and a silent logger.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { createOidcProvider } from '../../src/oidc/oidc-provider.ts';
import type { OidcProvider } from '../../src/oidc/oidc-provider.ts';
import type { SandboxAppRegistration } from '../../src/sandbox-contracts.ts';
import { createTestClock, type TestClock } from '../support/test-clock.ts';
import { createTestUserDirectory } from './oidc-test-users.ts';
import type { TestUserDirectory } from './oidc-test-users.ts';

export function buildAppRegistration(overrides: Partial<SandboxAppRegistration> = {}): SandboxAppRegistration {
  return {
    clientId: 'app_chronos_test',
    // Characters that must be form-urlencoded inside HTTP Basic credentials (RFC 6749 §2.3.1).
    clientSecret: 'sandbox secret:with+special/chars%',
    redirectUri: 'http://localhost:3000/api/whop/auth/callback',
    webhookUrl: 'http://localhost:3000/api/whop/webhook',
    webhookSecret: 'ws_test',
    apiKey: 'apik_test',
    companyId: 'biz_chronos',
    ...overrides,
  };
}

export interface OidcTestServer {
  origin: string;
  provider: OidcProvider;
  users: TestUserDirectory;
  clock: TestClock;
  app: SandboxAppRegistration;
  close(): Promise<void>;
}

export async function startOidcTestServer(
  settings: {
    accessTokenTtlSeconds?: number;
    dataDir?: string;
    tokenEndpointAuthMethod?: SandboxAppRegistration['tokenEndpointAuthMethod'];
  } = {},
): Promise<OidcTestServer> {
  const host = express();
  const server = host.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const users = createTestUserDirectory();
  const clock = createTestClock();
  const app = buildAppRegistration(
    settings.tokenEndpointAuthMethod ? { tokenEndpointAuthMethod: settings.tokenEndpointAuthMethod } : {},
  );
  const provider = await createOidcProvider({
    options: {
      origin,
      app,
      dataDir: settings.dataDir,
      accessTokenTtlSeconds: settings.accessTokenTtlSeconds ?? 3600,
      webhookRetryDelaysMs: [],
      apiRateLimitPerMinute: 600,
      deliverWebhooks: false,
      logger: pino({ level: 'silent' }),
    },
    users,
    clock: clock.now,
  });
  host.use(provider.router);

  return {
    origin,
    provider,
    users,
    clock,
    app,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
