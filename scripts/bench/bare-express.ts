/**
 * The first baseline: a bare Express app answering the bench's path with a fixed page (or, for
 * webhooks, `{ received: true }` after reading the raw body), served the usual way
 * (`app.listen`), in a process of its own that does nothing else. Its own process keeps it apart
 * from Chronos: code shared by two apps whose objects have different shapes runs slower for both
 * (measured once: a bare page about 30% slower after Chronos had answered a few requests in the
 * same process).
 *
 * As a child (`startBareExpress`): listens on a free port of 127.0.0.1 and reports its URL.
 */
import express, { type Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { childArgument, closeServer, serveForBench, startServer, type BenchServer } from './bench-children.ts';

export type BenchName = 'dashboard' | 'webhook-ingest';

const PAGE = `<!doctype html><html><body><h1>Dashboard</h1>${'<p>row</p>'.repeat(50)}</body></html>`;

function bareApp(name: BenchName): Express {
  const app = express();
  if (name === 'dashboard') {
    app.get('/dashboard', (_req, res) => res.type('html').send(PAGE));
    return app;
  }
  app.post('/api/whop/webhook', express.raw({ type: () => true, limit: '1mb' }), (_req, res) => {
    res.status(200).json({ received: true });
  });
  return app;
}

export function startBareExpress(name: BenchName): Promise<BenchServer> {
  return startServer('bare Express', fileURLToPath(import.meta.url), name);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const app = bareApp(childArgument<BenchName>());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  serveForBench(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => closeServer(server));
}
