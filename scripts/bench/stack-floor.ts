/**
 * The second baseline, the stack floor: the least a page of this stack can do. An Express route
 * that reads one Redis key (ioredis, its defaults), one row by primary key from the bench
 * database (the pg driver's pool, a plain parameterised query: what Sequelize's `query` sends,
 * without Sequelize's own work) and renders a small EJS template (compiled once and cached, without line tracking, as Chronos's templates
 * are outside development). It is served like Chronos (`listenHttp` from src/http/http-server.ts,
 * keep-alive timeout 65 s), in a process of its own that does nothing else.
 *
 * For the webhook-ingest bench the same three steps answer the signed deliveries (after reading
 * the raw body): the floor is the stack's, not the same work as storing an event.
 *
 * As a child (`startStackFloor`): stores the Redis key, listens on a free port of 127.0.0.1, reports its URL.
 */
import express, { type Express, type RequestHandler } from 'express';
import ejs from 'ejs';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { listenHttp } from '../../src/http/http-server.ts';
import type { Models } from '../../src/models/init-models.ts';
import { childArgument, closeServer, serveForBench, startServer, type BenchServer } from './bench-children.ts';
import type { BenchName } from './bare-express.ts';

export interface FloorSettings {
  name: BenchName;
  databaseUrl: string;
  poolMax: number;
  redisUrl: string;
  /** The key the route reads (the child stores a session-sized value there; the bench deletes its prefix afterwards). */
  redisKey: string;
  userId: number;
}

const VIEWS_DIR = fileURLToPath(new URL('./', import.meta.url));
export const USER_BY_ID = 'SELECT id, whop_user_id, username, name, email, last_login_at FROM users WHERE id = $1';

/** The row the floor reads. */
export async function seedFloorRow(models: Models): Promise<number> {
  const user = await models.User.create({
    whopUserId: 'user_benchfloor',
    username: 'floor',
    name: 'Stack Floor',
    email: null,
    avatarUrl: null,
    lastLoginAt: new Date(),
  });
  return user.id;
}

export function startStackFloor(settings: FloorSettings): Promise<BenchServer> {
  return startServer('stack floor', fileURLToPath(import.meta.url), settings);
}

function floorApp(settings: FloorSettings, pool: pg.Pool, redis: Redis): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.engine('ejs', (path, data, callback) =>
    ejs.renderFile(path, data, { cache: true, compileDebug: false }, callback),
  );
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.set('view cache', true);
  const page: RequestHandler = async (_req, res) => {
    const stored = await redis.get(settings.redisKey);
    const { rows } = await pool.query(USER_BY_ID, [settings.userId]);
    const user = rows[0] as Record<string, unknown> | undefined;
    if (!stored || !user) throw new Error('the floor’s Redis key or database row is missing');
    res.render('floor-page', { user, session: JSON.parse(stored) as unknown, rows: Object.entries(user) });
  };
  if (settings.name === 'dashboard') app.get('/dashboard', page);
  else app.post('/api/whop/webhook', express.raw({ type: () => true, limit: '1mb' }), page);
  return app;
}

/**
 * As a child: the app `build` makes from its own pg pool and Redis client, served like Chronos
 * (`listenHttp` on a free port of 127.0.0.1, keep-alive timeout 65 s); both closed at the end.
 */
export async function serveFloorApp(
  settings: FloorSettings,
  build: (pool: pg.Pool, redis: Redis) => Express | Promise<Express>,
): Promise<void> {
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: settings.poolMax });
  const redis = new Redis(settings.redisUrl);
  const server = await listenHttp(await build(pool, redis), 0, '127.0.0.1');
  server.keepAliveTimeout = 65_000;
  serveForBench(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, async () => {
    await closeServer(server);
    await pool.end();
    await redis.quit();
  });
}

/** The session-sized value the floor reads, stored under its key. */
async function storeFloorKey(settings: FloorSettings, redis: Redis): Promise<void> {
  const expires = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
  await redis.set(
    settings.redisKey,
    JSON.stringify({
      cookie: { originalMaxAge: 2_592_000_000, expires, httpOnly: true, path: '/', sameSite: 'lax' },
      userId: settings.userId,
      csrfSecret: 'x'.repeat(24),
    }),
    'EX',
    3600,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const settings = childArgument<FloorSettings>();
  await serveFloorApp(settings, async (pool, redis) => {
    await storeFloorKey(settings, redis);
    return floorApp(settings, pool, redis);
  });
}
