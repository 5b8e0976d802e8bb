import { expect } from 'chai';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { httpsOnly, pathAndQuery } from '../../src/middleware/https-only.ts';
import { rawRequest } from '../security/support/raw-http.ts';

describe('HTTPS in production (behind the proxy)', () => {
  const app = express();
  app.set('trust proxy', 1);
  app.use(httpsOnly('https://chronos.example.com/ignored-path'));
  app.all('/{*path}', (_req, res) => res.send('served'));

  it('redirects plain-http page views to the same path on APP_URL, whatever Host says', async () => {
    const response = await request(app)
      .get('/dashboard?tab=videos')
      .set('x-forwarded-proto', 'http')
      .set('host', 'evil.example');
    expect(response.status).to.equal(301);
    expect(response.headers.location).to.equal('https://chronos.example.com/dashboard?tab=videos');
  });

  it('ignores a forged X-Forwarded-Host as well', async () => {
    const response = await request(app)
      .get('/login')
      .set('x-forwarded-proto', 'http')
      .set('x-forwarded-host', 'evil.example')
      .set('host', 'evil.example:8443');
    expect(response.headers.location).to.equal('https://chronos.example.com/login');
  });

  it('keeps a path that looks like a host on APP_URL’s origin', async () => {
    const response = await request(app).get('//evil.example/x').set('x-forwarded-proto', 'http');
    const location = new URL(response.headers.location as string);
    expect(location.origin).to.equal('https://chronos.example.com');
  });

  it('takes only the path and query of an absolute-form request target (GET http://host/path)', async () => {
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await rawRequest(`http://127.0.0.1:${port}`, {
        method: 'GET',
        target: 'http://evil.example/dashboard?tab=1',
        headers: [['X-Forwarded-Proto', 'http']],
      });
      expect(response.status).to.equal(301);
      expect(response.headers.location).to.deep.equal(['https://chronos.example.com/dashboard?tab=1']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses plain-http state changes, and serves https', async () => {
    expect((await request(app).post('/onboarding').set('x-forwarded-proto', 'http')).status).to.equal(403);
    expect((await request(app).get('/dashboard').set('x-forwarded-proto', 'https')).text).to.equal('served');
  });

  it('lets the platform’s health checks through on http', async () => {
    expect((await request(app).get('/healthz').set('x-forwarded-proto', 'http')).text).to.equal('served');
  });
});

describe('pathAndQuery', () => {
  it('keeps origin-form targets and strips the scheme and host of absolute-form ones', () => {
    expect(pathAndQuery('/a/b?c=d')).to.equal('/a/b?c=d');
    expect(pathAndQuery('https://evil.example:444/a?b')).to.equal('/a?b');
    expect(pathAndQuery('*')).to.equal('/');
    expect(pathAndQuery('evil.example')).to.equal('/');
  });
});
