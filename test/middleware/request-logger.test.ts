import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestLogger } from '../../src/middleware/request-logger.ts';
import { listenHttp } from '../../src/http/http-server.ts';
import { capturingLogger } from '../support/test-runtime.ts';
import { eventually, until } from '../support/wait.ts';
import { yieldTurns } from '../support/wait.ts';

interface Line {
  level: number;
  msg: string;
  req: { id: string; method: string; url: string; remoteAddress?: string };
  res: { statusCode: number };
  responseTime: number;
}

const LEVELS = { info: 30, warn: 40, error: 50 };

function loggedApp(level = 'info') {
  const { logger, lines } = capturingLogger(level);
  const app = express();
  app.use(requestLogger(logger));
  app.get('/healthz', (_req, res) => res.send('ok'));
  app.get('/ok', (_req, res) => res.send('fine'));
  app.get('/missing', (_req, res) => res.status(404).send('no'));
  app.get('/outage', (_req, res) => res.status(503).send('later'));
  app.get('/broken', (_req, res) => res.status(500).send('sorry'));
  let slowArrived = false;
  app.get('/slow', () => void (slowArrived = true));
  const parsed = () => lines.map((line) => JSON.parse(line) as Line);
  return { app, parsed, slowArrived: () => slowArrived };
}

describe('the request logger', () => {
  it('writes one line per request when it ends: id, method, URL with secrets redacted, status and time, and no header', async () => {
    const { app, parsed } = loggedApp();
    const answer = await request(app)
      .get('/ok?page=2&code=secret-code-123&state=s1')
      .set('cookie', 'chronos.sid=sid-value-777')
      .set('authorization', 'Bearer tok-999');
    const lines = await eventually(() => (parsed().length > 0 ? parsed() : undefined));
    expect(lines).to.have.length(1);
    const [line] = lines;
    expect(line!.msg).to.equal('request completed');
    expect(line!.level).to.equal(LEVELS.info);
    expect(line!.req.id).to.equal(answer.headers['x-request-id']);
    expect(line!.req.method).to.equal('GET');
    expect(line!.req.url).to.equal('/ok?page=2&code=%5Bredacted%5D&state=%5Bredacted%5D');
    expect(line!.res.statusCode).to.equal(200);
    expect(line!.responseTime).to.be.a('number').and.at.least(0);
    const raw = JSON.stringify(line);
    for (const secret of ['secret-code-123', 'sid-value-777', 'tok-999', 'cookie', 'authorization'])
      expect(raw).not.to.contain(secret);
  });

  it('logs refusals and outages as warnings and server errors as errors', async () => {
    const { app, parsed } = loggedApp();
    await request(app).get('/missing');
    await request(app).get('/outage');
    await request(app).get('/broken');
    const lines = await eventually(() => (parsed().length >= 3 ? parsed() : undefined));
    const levelOf = (url: string) => lines.find((l) => l.req.url === url)?.level;
    expect(levelOf('/missing')).to.equal(LEVELS.warn);
    expect(levelOf('/outage')).to.equal(LEVELS.warn);
    expect(levelOf('/broken')).to.equal(LEVELS.error);
  });

  it("gives every line written while serving a request, however deep in async work, that request's id, and none to other lines", async () => {
    const { logger, lines } = capturingLogger('info');
    const app = express();
    app.use(requestLogger(logger));
    app.get('/work', async (_req, res) => {
      await yieldTurns();
      await Promise.resolve().then(() => logger.info({ step: 'deep' }, 'working'));
      res.send('done');
    });
    const [first, second] = await Promise.all([request(app).get('/work'), request(app).get('/work')]);
    logger.info('between requests');
    const working = lines
      .map((line) => JSON.parse(line) as { msg: string; reqId?: string })
      .filter((line) => line.msg === 'working');
    expect(working.map((line) => line.reqId).sort()).to.deep.equal(
      [first.headers['x-request-id'], second.headers['x-request-id']].sort(),
    );
    expect(first.headers['x-request-id']).not.to.equal(second.headers['x-request-id']);
    const outside = lines
      .map((line) => JSON.parse(line) as { msg: string; reqId?: string })
      .find((line) => line.msg === 'between requests');
    expect(outside).to.have.property('msg');
    expect(outside).not.to.have.property('reqId');
  });

  it('keeps a sane x-request-id and replaces any other', async () => {
    const { app } = loggedApp();
    expect((await request(app).get('/ok').set('x-request-id', 'abc-123-def-456')).headers['x-request-id']).to.equal(
      'abc-123-def-456',
    );
    expect(
      (await request(app).get('/ok').set('x-request-id', '<script>alert(1)</script>')).headers['x-request-id'],
    ).to.match(/^[0-9a-f-]{36}$/);
  });

  it('does not log health checks, and logs nothing below its level', async () => {
    const quiet = loggedApp('warn');
    await request(quiet.app).get('/ok');
    await request(quiet.app).get('/missing');
    const lines = await eventually(() => (quiet.parsed().length > 0 ? quiet.parsed() : undefined));
    expect(lines.map((l) => l.req.url)).to.deep.equal(['/missing']);

    const all = loggedApp();
    await request(all.app).get('/healthz');
    await request(all.app).get('/ok');
    const logged = await eventually(() => (all.parsed().length > 0 ? all.parsed() : undefined));
    expect(logged.map((l) => l.req.url)).to.deep.equal(['/ok']);
  });

  it('logs a request whose client went away before the answer as aborted', async () => {
    const { app, parsed, slowArrived } = loggedApp();
    const server: Server = await listenHttp(app, 0, '127.0.0.1');
    try {
      const client = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/slow' });
      client.on('error', () => undefined);
      client.end();
      await until(slowArrived, { what: 'the request reaching its route' });
      client.destroy();
      const [line] = await eventually(() => (parsed().length > 0 ? parsed() : undefined));
      expect(line!.msg).to.equal('request aborted');
      expect(line!.level).to.equal(LEVELS.warn);
      expect(line!.req.url).to.equal('/slow');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
