import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import { pino } from 'pino';
import { createErrorReporter } from '../../src/observability/error-reporter.ts';
import express from 'express';
import { bareStatusErrorHandler, jsonErrorHandler } from '../../src/middleware/error-handlers.ts';
import { NotFoundError, ServiceUnavailableError } from '../../src/domain/app-errors.ts';

describe('error reporting', () => {
  it('sends an unexpected error to Sentry when SENTRY_DSN is set, with the request id (or the worker job) and no request data', async () => {
    const received: string[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        received.push(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString());
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const report = await createErrorReporter({
        dsn: `http://publickey@127.0.0.1:${port}/42`,
        environment: 'test',
        logger: pino({ level: 'silent' }),
      });
      report(new Error('boom-marker-5521'), { requestId: 'req-abc-123', method: 'GET', route: '/dashboard' });
      report(new Error('job-marker-7730'), { job: 'reconciliation' });
      const sentry = await import('@sentry/node');
      await sentry.flush(5000);
      const all = received.join('\n');
      expect(all).to.contain('boom-marker-5521');
      expect(all).to.contain('req-abc-123');
      expect(all).to.contain('job-marker-7730');
      expect(all).to.match(/"job":"reconciliation"/);
      expect(all).not.to.match(/cookie|authorization/i);
      await sentry.close(2000);
    } finally {
      server.close();
    }
  });

  it('sends nothing and needs nothing when SENTRY_DSN is unset', async () => {
    const report = await createErrorReporter({
      dsn: undefined,
      environment: 'test',
      logger: pino({ level: 'silent' }),
    });
    expect(() => report(new Error('x'), {})).not.to.throw();
  });

  it('is told of unexpected errors (500), not of refusals, 404s or a 503 outage', async () => {
    const reported: string[] = [];
    const app = express();
    app.use((req, _res, next) => {
      (req as unknown as { id: string }).id = 'req-77';
      next();
    });
    app.get('/boom', () => {
      throw new Error('unexpected-marker');
    });
    app.get('/missing', () => {
      throw new NotFoundError();
    });
    app.get('/down', () => {
      throw new ServiceUnavailableError('down for a moment');
    });
    app.use(
      jsonErrorHandler(pino({ level: 'silent' }), (error, context) =>
        reported.push(`${(error as Error).message}|${context.requestId ?? ''}|${context.route ?? ''}`),
      ),
    );
    expect((await request(app).get('/missing')).status).to.equal(404);
    expect((await request(app).get('/down')).status).to.equal(503);
    expect(reported).to.deep.equal([]);
    const failed = await request(app).get('/boom');
    expect(failed.status).to.equal(500);
    expect(failed.text).not.to.contain('unexpected-marker');
    expect(reported).to.deep.equal(['unexpected-marker|req-77|/boom']);
  });

  it('is told of an unexpected error on the webhook route (a bare 500), not of a 503 that makes Whop retry', async () => {
    const reported: string[] = [];
    const app = express();
    app.post('/hook/boom', () => {
      throw new Error('hook-marker');
    });
    app.post('/hook/down', () => {
      throw new ServiceUnavailableError('inbox unavailable');
    });
    app.use(
      bareStatusErrorHandler(pino({ level: 'silent' }), (error, context) =>
        reported.push(`${(error as Error).message}|${context.route ?? ''}`),
      ),
    );
    const down = await request(app).post('/hook/down');
    expect(down.status).to.equal(503);
    expect(reported).to.deep.equal([]);
    const failed = await request(app).post('/hook/boom');
    expect(failed.status).to.equal(500);
    expect(failed.text).to.equal('');
    expect(reported).to.deep.equal(['hook-marker|/hook/boom']);
  });
});
