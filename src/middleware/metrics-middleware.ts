/** Times every request into the duration histogram, labelled by the route template (never the raw URL). */
import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../observability/metrics.ts';
import { timingSafeEqual } from 'node:crypto';

function routeOf(req: Request): string {
  const path = req.route?.path;
  // A route's path is relative to the path its router is mounted at (app.ts), which Express keeps in baseUrl.
  if (typeof path === 'string') return `${req.baseUrl}${path === '/' ? '' : path}` || '/';
  // An error handler mounted on a path (the webhook route's) leaves that path in baseUrl.
  if (req.baseUrl) return req.baseUrl;
  return req.path.startsWith('/static/') ? '/static' : 'unmatched';
}

export function measureRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
    next();
  };
}

/** `GET /metrics` with `Authorization: Bearer <METRICS_TOKEN>`; 404 when no token is configured. */
export function metricsEndpoint(metrics: Metrics, token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return async (req, res) => {
    if (!expected) {
      res.status(404).end();
      return;
    }
    const given = Buffer.from(req.get('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').end();
      return;
    }
    res
      .set('Content-Type', metrics.registry.contentType)
      .set('Cache-Control', 'no-store')
      .send(await metrics.registry.metrics());
  };
}
