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

export interface RunningSandbox {
  /** The origin it answers on, e.g. `http://127.0.0.1:4010`. */
  url: string;
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
  const effective: SandboxOptions = port === 0 ? { ...options, origin: url } : options;

  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox(effective);
  } catch (error) {
    server.close();
    throw error;
  }
  server.on('request', sandbox.app);
  effective.logger.info({ url, webhookUrl: effective.app.webhookUrl }, 'Whop sandbox listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    sandbox,
    close() {
      closing ??= (async () => {
        const stopped = once(server, 'close');
        server.close();
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 2000);
        await sandbox.close();
        await stopped;
        clearTimeout(force);
      })();
      return closing;
    },
  };
}
