import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { httpsOnly } from '../../src/middleware/https-only.ts';

describe('HTTPS in production (behind the proxy)', () => {
  const app = express();
  app.set('trust proxy', 1);
  app.use(httpsOnly('https://chronos.example.com'));
  app.all('/{*path}', (_req, res) => res.send('served'));

  it('redirects plain-http page views to the same path on APP_URL, whatever Host says', async () => {
    const response = await request(app)
      .get('/dashboard?tab=videos')
      .set('x-forwarded-proto', 'http')
      .set('host', 'evil.example');
    expect(response.status).to.equal(301);
    expect(response.headers.location).to.equal('https://chronos.example.com/dashboard?tab=videos');
  });

  it('refuses plain-http state changes, and serves https', async () => {
    expect((await request(app).post('/onboarding').set('x-forwarded-proto', 'http')).status).to.equal(403);
    expect((await request(app).get('/dashboard').set('x-forwarded-proto', 'https')).text).to.equal('served');
  });

  it('lets the platform’s health checks through on http', async () => {
    expect((await request(app).get('/healthz').set('x-forwarded-proto', 'http')).text).to.equal('served');
  });
});
