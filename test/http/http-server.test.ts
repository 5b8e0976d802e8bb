import { expect } from 'chai';
import express from 'express';
import { IncomingMessage, ServerResponse, type Server } from 'node:http';
import request from 'supertest';
import type { AddressInfo } from 'node:net';
import { appClasses, createHttpServer, listenHttp } from '../../src/http/http-server.ts';

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

  // The one private part of Express this module leans on (app.request/app.response are the prototypes
  // Express gives each request): if Express changes shape, this fails rather than the speed quietly going.
  it("creates each request and response on the app's own prototypes, which Express then keeps", async () => {
    const app = express();
    const seen: { beforeExpress: boolean[]; inHandler: boolean[] } = { beforeExpress: [], inHandler: [] };
    app.get('/hello', (req, res) => {
      const { Request, Response } = appClasses(app);
      seen.inHandler.push(
        Object.getPrototypeOf(req) === Request.prototype,
        Object.getPrototypeOf(res) === Response.prototype,
      );
      res.json({ accepts: req.accepts('json'), host: req.hostname });
    });
    const server = await listenHttp(app, 0, '127.0.0.1');
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      seen.beforeExpress.push(
        Object.getPrototypeOf(req) === app.request,
        Object.getPrototypeOf(res) === app.response,
        req instanceof IncomingMessage && res instanceof ServerResponse,
      );
    });
    try {
      const answer = await fetch(`${urlOf(server)}/hello`, { headers: { accept: 'application/json' } });
      expect(answer.status).to.equal(200);
      expect(await answer.json()).to.deep.equal({ accepts: 'json', host: '127.0.0.1' });
      expect(seen).to.deep.equal({ beforeExpress: [true, true, true], inHandler: [true, true] });
    } finally {
      await closed(server);
    }
  });

  it('keeps what the app put on its prototypes, makes its classes once, and leaves other servers working', async () => {
    const app = express();
    (app.request as unknown as { greeting(): string }).greeting = () => 'hello';
    app.get('/greet', (req, res) => res.send((req as unknown as { greeting(): string }).greeting()));
    const first = createHttpServer(app);
    const prototypes = [app.request, app.response];
    createHttpServer(app);
    expect([app.request, app.response]).to.deep.equal(prototypes);
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    try {
      expect(await (await fetch(`${urlOf(first)}/greet`)).text()).to.equal('hello');
      expect((await request(app).get('/greet')).text).to.equal('hello');
    } finally {
      await closed(first);
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
