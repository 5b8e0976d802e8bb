/**
 * The sandbox answers only requests addressed to it by a name it knows: `localhost`,
 * `127.0.0.1`, `[::1]` (any port) and the host of its configured origin. It holds an API key,
 * a client secret and webhook secrets, and serves them to anyone on the machine; a web page
 * on another site could otherwise read them by DNS rebinding (its own name, re-pointed at
 * 127.0.0.1, makes the browser treat the sandbox as same-origin). Such a request still
 * carries the attacker's name in `Host`, so it is refused with 403.
 */
import type { RequestHandler } from 'express';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of a `Host` header value (lower case, port dropped); undefined when it is not one. */
export function hostNameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader || /[\s/@?#\\]/.test(hostHeader)) return undefined;
  if (!URL.canParse(`http://${hostHeader}`)) return undefined;
  return new URL(`http://${hostHeader}`).hostname;
}

export function allowedHosts(origin: string): Set<string> {
  return new Set([...LOOPBACK_NAMES, new URL(origin).hostname]);
}

export function hostAllowList(origin: string): RequestHandler {
  const allowed = allowedHosts(origin);
  return (req, res, next) => {
    const host = hostNameOf(req.headers.host);
    if (host !== undefined && allowed.has(host)) return next();
    res.status(403).type('text/plain').send('This Whop sandbox answers only on localhost and its configured host.');
  };
}
