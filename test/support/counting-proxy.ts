/**
 * An HTTP proxy in front of the sandbox that counts the requests reaching it, so tests can
 * prove how many calls Chronos makes to Whop (e.g. none on repeated page views).
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  url: string;
  requests: string[];
  count(prefix?: string): number;
  reset(): void;
  /** Holds each request this long before passing it on (a slow Whop); 0 by default. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const requests: string[] = [];
  const proxy = { delayMs: 0 };
  const server: Server = http.createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (proxy.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, proxy.delayMs));
    const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (prefix = '') => requests.filter((r) => r.split(' ')[1]?.startsWith(prefix)).length,
    reset: () => void requests.splice(0),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}
