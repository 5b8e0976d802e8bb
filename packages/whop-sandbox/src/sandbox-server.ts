/**
 * Listens with the sandbox app. With `port` 0 (tests) the origin — the OIDC issuer —
 * is taken from the address actually bound, since it cannot be known before.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandbox } from './sandbox-app.ts';
import type { Sandbox } from './sandbox-app.ts';
import type { SandboxOptions } from './sandbox-contracts.ts';
import { createAppProxy } from './app-proxy/app-proxy.ts';

export interface RunningSandbox {
  /** The origin it answers on, e.g. `http://127.0.0.1:4010`. */
  url: string;
  /** The app proxy's origin (the app as whop.com frames it), when one runs. */
  appProxyUrl: string | undefined;
  sandbox: Sandbox;
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(options: SandboxOptions, port: number, host = '127.0.0.1'): Promise<RunningSandbox> {
  const server = http.createServer();
  server.listen(port, host);
  await once(server, 'listening');
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${hostForUrl(host)}:${bound}`;
  const proxyServer = options.appProxyPort === undefined ? undefined : http.createServer();
  let appProxyUrl: string | undefined;
  if (proxyServer) {
    proxyServer.listen(options.appProxyPort, host);
    await once(proxyServer, 'listening');
    appProxyUrl = `http://${hostForUrl(host)}:${(proxyServer.address() as AddressInfo).port}`;
  }
  const effective: SandboxOptions = {
    ...options,
    origin: port === 0 ? url : options.origin,
    appProxyOrigin: appProxyUrl,
  };

  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox(effective);
  } catch (error) {
    server.close();
    proxyServer?.close();
    throw error;
  }
  server.on('request', sandbox.app);
  if (proxyServer && appProxyUrl) {
    proxyServer.on(
      'request',
      createAppProxy({
        appOrigin: new URL(effective.app.redirectUri).origin,
        proxyOrigin: appProxyUrl,
        signedInUserId: (cookie) => sandbox.session.userOfCookieHeader(cookie, sandbox.state)?.id,
        userTokens: sandbox.oidc.userTokens,
        logger: effective.logger.child({ component: 'sandbox-app-proxy' }),
      }),
    );
  }
  effective.logger.info({ url, webhookUrl: effective.app.webhookUrl }, 'Whop sandbox listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    appProxyUrl,
    sandbox,
    close() {
      closing ??= (async () => {
        const stopped = once(server, 'close');
        const proxyStopped = proxyServer ? once(proxyServer, 'close') : Promise.resolve();
        server.close();
        server.closeIdleConnections();
        proxyServer?.close();
        proxyServer?.closeIdleConnections();
        const force = setTimeout(() => {
          server.closeAllConnections();
          proxyServer?.closeAllConnections();
        }, 2000);
        await sandbox.close();
        await stopped;
        await proxyStopped;
        clearTimeout(force);
      })();
      return closing;
    },
  };
}
