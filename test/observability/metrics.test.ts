import { expect } from 'chai';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';

const TOKEN = 'metrics-token-0123456789';

describe('/metrics (Prometheus)', () => {
  let t: TestApp;
  before(async () => (t = await startTestApp({ METRICS_TOKEN: TOKEN })));
  after(() => t.close());

  it('needs the bearer token', async () => {
    expect((await request(t.app).get('/metrics')).status).to.equal(401);
    expect(
      (await request(t.app).get('/metrics').set('authorization', 'Bearer wrong-token-0123456789')).status,
    ).to.equal(401);
  });

  it('reports request durations by route template, worker lag, dead events, outbox backlog, Whop calls and process metrics', async () => {
    await request(t.app).get('/login');
    await request(t.app).get('/no-such-page-12345');
    await request(t.app).post('/api/whop/webhook').send('{}');
    await request(t.app).get('/api/whop/webhook');
    await request(t.app).get('/api/me');
    await request(t.app).get('/api/whop/auth/callback?state=unknown&code=x');
    const response = await request(t.app).get('/metrics').set('authorization', `Bearer ${TOKEN}`);
    expect(response.status).to.equal(200);
    expect(response.headers['content-type']).to.contain('text/plain');
    const text = response.text;
    expect(text).to.match(/chronos_http_request_duration_seconds_count\{method="GET",route="\/login",status="200"\} 1/);
    expect(text).to.match(
      /chronos_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/,
    );
    expect(text).not.to.contain('no-such-page-12345');
    expect(text).to.match(
      /chronos_http_request_duration_seconds_count\{method="POST",route="\/api\/whop\/webhook",status="400"\} 1/,
    );
    // Routes of routers mounted at a path are labelled with the whole path, errors included.
    expect(text).to.match(
      /chronos_http_request_duration_seconds_count\{method="GET",route="\/api\/whop\/webhook",status="405"\} 1/,
    );
    expect(text).to.match(
      /chronos_http_request_duration_seconds_count\{method="GET",route="\/api\/me",status="401"\} 1/,
    );
    expect(text).to.match(
      /chronos_http_request_duration_seconds_count\{method="GET",route="\/api\/whop\/auth\/callback",status="400"\} 1/,
    );
    for (const name of [
      'chronos_webhook_worker_lag_seconds',
      'chronos_webhook_events_dead',
      'chronos_email_outbox_backlog',
      'chronos_webhook_events_total',
      'chronos_whop_api_calls_total',
      'chronos_process_cpu_seconds_total',
    ]) {
      expect(text, name).to.contain(`# HELP ${name}`);
    }
  });

  it('is off (404) when no token is configured', async () => {
    const plain = await startTestApp();
    try {
      expect((await request(plain.app).get('/metrics')).status).to.equal(404);
    } finally {
      await plain.close();
    }
  });
});
