/** The HTTP server for an Express app: Node's own `http.createServer(app)`, and listening on a port. */
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';

export function createHttpServer(app: Express): Server {
  return createServer(app);
}

/** Listens on `port` (all interfaces, or `host`); resolves once listening. */
export function listenHttp(app: Express, port: number, host?: string): Promise<Server> {
  const server = createHttpServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve(server);
    };
    if (host) server.listen(port, host, listening);
    else server.listen(port, listening);
  });
}
