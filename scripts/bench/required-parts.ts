/**
 * The dashboard bench's third baseline, the required parts: the stack floor plus what every
 * signed-in Chronos page must do, each with the module Chronos uses for it, and nothing of
 * Chronos's own business:
 *
 * - the session: express-session with connect-redis's store and Chronos's cookie settings
 *   (`createSessionMiddleware`: signed, rolling, read from Redis on every page);
 * - the security headers: Chronos's `securityHeaders` (helmet, a strict CSP with a nonce per page);
 * - the CSRF token every signed-in page's forms carry (`csrfTokenFor`), and `Cache-Control: no-store`;
 * - two statements, as Runtime v2 asks of the dashboard (the user's context, then the page's own
 *   read): here the floor's primary-key read twice, the least a statement costs;
 * - a page of the dashboard's size (about 5.8 KB, some 200 escaped values: a page, a layout and
 *   two partials through Chronos's `layoutEngine`), from fixed data.
 *
 * It shows how much of the distance between Chronos and the floor the required parts cover
 * alone. `GET /sign-in` starts the session the load generator then sends (`sessionFrom`).
 *
 * As a child (`startRequiredParts`): listens on a free port of 127.0.0.1 and reports its URL.
 */
import express, { type Express, type RequestHandler } from 'express';
import pg from 'pg';
import { Redis } from 'ioredis';
import { RedisStore } from 'connect-redis';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createSessionMiddleware } from '../../src/sessions/session-middleware.ts';
import { securityHeaders } from '../../src/middleware/security-headers.ts';
import { csrfTokenFor } from '../../src/middleware/csrf-protection.ts';
import { noStore } from '../../src/middleware/no-store.ts';
import { layoutEngine } from '../../src/views/layout-engine.ts';
import { formatDate } from '../../src/domain/dates.ts';
import { formatNumber } from '../../src/views/view-helpers.ts';
import { childArgument, startServer, type BenchServer } from './bench-children.ts';
import { serveFloorApp, USER_BY_ID, type FloorSettings } from './stack-floor.ts';

const VIEWS_DIR = fileURLToPath(new URL('./required-parts/', import.meta.url));

export function startRequiredParts(settings: FloorSettings): Promise<BenchServer> {
  return startServer('required parts', fileURLToPath(import.meta.url), settings);
}

/** What the page shows: the size of a dashboard with a page of students and the latest videos. */
function pageData() {
  const day = 86_400_000;
  const start = Date.UTC(2026, 10, 1);
  return {
    title: 'Dashboard',
    plan: 'Pro',
    nav: ['Dashboard', 'Videos', 'Courses', 'Analytics', 'Settings', 'Pricing', 'Team', 'Help'].map((label, i) => ({
      label,
      href: `/${label.toLowerCase()}`,
      current: i === 0,
    })),
    usage: ['Videos', 'Storage', 'AI credits', 'Students'].map((label, i) => ({ label, used: i * 10, limit: 100 })),
    students: Array.from({ length: 20 }, (_, i) => ({
      username: `student${i}`,
      whopUserId: `user_${i}abcdef`,
      status: 'active',
      membershipStatus: 'active',
      joinedAt: new Date(start + i * day),
    })),
    videos: Array.from({ length: 10 }, (_, i) => ({
      title: `Lesson ${i}: getting <started>`,
      sizeBytes: 1_234_567 * i,
      durationSeconds: 300 + i,
      createdAt: new Date(start + i * day),
    })),
  };
}

function partsApp(settings: FloorSettings, pool: pg.Pool, redis: Redis): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.engine('ejs', layoutEngine(VIEWS_DIR, { cache: true }));
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.set('view cache', true);
  Object.assign(app.locals, { formatDate, formatNumber });
  const store = new RedisStore({ client: redis, prefix: `${settings.redisKey}:parts:sess:` });
  app.use(securityHeaders({ isProduction: false }));
  app.use(noStore);
  app.use(createSessionMiddleware({ isProduction: false, sessionSecrets: [randomBytes(32).toString('hex')] }, store));
  app.get('/sign-in', (req, res) => {
    req.session.userId = settings.userId;
    res.type('text').send('signed in');
  });
  const data = pageData();
  const page: RequestHandler = async (req, res) => {
    const userId = req.session.userId;
    if (userId === undefined) {
      res.status(401).type('text').send('not signed in');
      return;
    }
    const context = await pool.query(USER_BY_ID, [userId]);
    const { rows } = await pool.query(USER_BY_ID, [userId]);
    const user = rows[0] as Record<string, unknown> | undefined;
    if (!context.rows[0] || !user) throw new Error('the database row is missing');
    res.render('page', { ...data, user, csrfToken: csrfTokenFor(req) });
  };
  app.get('/dashboard', page);
  return app;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const settings = childArgument<FloorSettings>();
  await serveFloorApp(settings, (pool, redis) => partsApp(settings, pool, redis));
}
