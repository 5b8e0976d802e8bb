import { expect } from 'chai';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer, listenHttp } from '../../src/http/http-server.ts';

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closed(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('the HTTP server (src/http/http-server.ts)', () => {
  it('listens on the given host and port and serves the app', async () => {
    const app = express();
    app.get('/hello', (req, res) => res.json({ path: req.path, query: req.query, accepts: req.accepts('json') }));
    const server = await listenHttp(app, 0, '127.0.0.1');
    try {
      expect((server.address() as AddressInfo).address).to.equal('127.0.0.1');
      const answer = await fetch(`${urlOf(server)}/hello?x=1`, { headers: { accept: 'application/json' } });
      expect(answer.status).to.equal(200);
      expect(await answer.json()).to.deep.equal({ path: '/hello', query: { x: '1' }, accepts: 'json' });
    } finally {
      await closed(server);
    }
  });

  it('serves every request of a kept-alive connection with the full Express request and response', async () => {
    const app = express();
    app.get('/n/:n', (req, res) => {
      res
        .set('x-n', req.params.n)
        .status(201)
        .type('text')
        .send(`n=${req.params.n} ${req.get('x-probe') ?? ''}`);
    });
    const server = createHttpServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      for (const n of [1, 2, 3]) {
        const answer = await fetch(`${urlOf(server)}/n/${n}`, { headers: { 'x-probe': 'ok' } });
        expect(answer.status).to.equal(201);
        expect(answer.headers.get('x-n')).to.equal(String(n));
        expect(answer.headers.get('content-type')).to.match(/^text\/plain/);
        expect(await answer.text()).to.equal(`n=${n} ok`);
      }
    } finally {
      await closed(server);
    }
  });

  it('fails to listen with the error of the port, not silently', async () => {
    const first = await listenHttp(express(), 0, '127.0.0.1');
    try {
      const port = (first.address() as AddressInfo).port;
      let failure: unknown;
      await listenHttp(express(), port, '127.0.0.1').catch((error: unknown) => (failure = error));
      expect((failure as NodeJS.ErrnoException | undefined)?.code).to.equal('EADDRINUSE');
    } finally {
      await closed(first);
    }
  });
});
