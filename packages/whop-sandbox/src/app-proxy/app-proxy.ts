/**
 * The sandbox's copy of Whop's app proxy. On whop.com an app's views are iframes of an origin
 * that Whop serves and forwards, path for path, to the app's base URL, adding
 * `x-whop-user-token` for the signed-in whop.com user to every same-origin request (pages,
 * fetches, media). Here that origin is a second port of the sandbox: each request is forwarded
 * to the app with a fresh token for the sandbox's signed-in user (none when nobody is signed
 * in), any token the browser sent is dropped, and so are the browser's cookies (they belong
 * to the sandbox's whop.com, not to the app). Whop does not publish whether its proxy passes
 * cookies through; the app relies on none.
 */
import http from 'node:http';
import type { Logger } from 'pino';
import { allowedHosts, hostNameOf } from '../host-allow-list.ts';
import type { UserTokenSigner } from './user-token-signer.ts';

export const USER_TOKEN_HEADER = 'x-whop-user-token';
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

export interface AppProxyDeps {
  /** The app's base URL (its origin). */
  appOrigin: string;
  /** This proxy's own origin: redirects to the app's origin are rewritten to it. */
  proxyOrigin: string;
  /** The whop.com user signed in to the sandbox in this browser. */
  signedInUserId(cookieHeader: string | undefined): string | undefined;
  userTokens: UserTokenSigner;
  logger: Logger;
}

export function createAppProxy(deps: AppProxyDeps): http.RequestListener {
  const allowed = allowedHosts(deps.proxyOrigin);
  return (req, res) => {
    const host = hostNameOf(req.headers.host);
    if (host === undefined || !allowed.has(host)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('This app proxy answers only on localhost.');
      return;
    }
    void forward(req, res, deps).catch((error: unknown) => {
      deps.logger.warn({ err: { name: (error as Error).name }, path: req.url?.split('?')[0] }, 'app proxy failed');
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('The app did not answer.');
    });
  };
}

async function forward(req: http.IncomingMessage, res: http.ServerResponse, deps: AppProxyDeps): Promise<void> {
  const headers: http.OutgoingHttpHeaders = { ...req.headers };
  for (const name of [...HOP_BY_HOP, 'host', 'cookie', USER_TOKEN_HEADER]) delete headers[name];
  headers['x-forwarded-host'] = req.headers.host;
  const userId = deps.signedInUserId(req.headers.cookie);
  if (userId) headers[USER_TOKEN_HEADER] = await deps.userTokens.sign(userId);

  const target = new URL(req.url ?? '/', deps.appOrigin);
  await new Promise<void>((resolve, reject) => {
    const upstream = http.request(target, { method: req.method, headers }, (answer) => {
      const out: http.OutgoingHttpHeaders = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete out[name];
      const location = answer.headers.location;
      if (location?.startsWith(deps.appOrigin)) out.location = deps.proxyOrigin + location.slice(deps.appOrigin.length);
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    upstream.on('error', reject);
    req.pipe(upstream);
  });
}
