import { expect } from 'chai';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';

describe('public pages and HTTP basics', () => {
  let t: TestApp;
  before(async () => (t = await startTestApp()));
  after(() => t.close());

  it('serves the landing page with a "Sign in with Whop" link', async () => {
    const response = await request(t.app).get('/');
    expect(response.status).to.equal(200);
    expect(response.type).to.equal('text/html');
    expect(response.text).to.contain('Sign in with Whop');
    expect(response.text).to.contain('href="/api/whop/auth/login"');
  });

  it('serves the login page whose plain link starts the Whop flow, keeping a local returnTo', async () => {
    const response = await request(t.app).get('/login?returnTo=/dashboard%3Ftab%3Dvideos');
    expect(response.status).to.equal(200);
    expect(response.text).to.contain('href="/api/whop/auth/login?returnTo=%2Fdashboard%3Ftab%3Dvideos"');
  });

  it('drops a returnTo that points off the site', async () => {
    const response = await request(t.app).get('/login?returnTo=//evil.example/x');
    expect(response.text).to.contain('href="/api/whop/auth/login"');
    expect(response.text).not.to.contain('evil.example');
  });

  it('sends a strict CSP with a fresh nonce on every page, and the other security headers', async () => {
    const first = await request(t.app).get('/');
    const second = await request(t.app).get('/login');
    const csp = String(first.headers['content-security-policy']);
    expect(csp).to.contain("default-src 'self'");
    expect(csp).to.match(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
    expect(csp).to.contain("style-src 'self'");
    expect(csp).to.contain("object-src 'none'");
    expect(csp).to.contain("frame-ancestors 'none'");
    expect(csp).to.contain("form-action 'self'");
    expect(csp).not.to.contain('unsafe-inline');
    expect(csp).not.to.contain('upgrade-insecure-requests');
    expect(String(second.headers['content-security-policy'])).not.to.equal(csp);
    expect(first.headers['x-content-type-options']).to.equal('nosniff');
    expect(first.headers['x-frame-options']).to.equal('DENY');
    expect(first.headers['referrer-policy']).to.equal('strict-origin-when-cross-origin');
    expect(first.headers['strict-transport-security']).to.equal(undefined);
    expect(first.headers['x-powered-by']).to.equal(undefined);
  });

  it('pages carry no inline script or style', async () => {
    for (const path of ['/', '/login', '/no-such-page']) {
      const { text } = await request(t.app).get(path);
      expect(text, path).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(text, path).not.to.match(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('answers an unknown page with the 404 page', async () => {
    const response = await request(t.app).get('/no-such-page');
    expect(response.status).to.equal(404);
    expect(response.type).to.equal('text/html');
    expect(response.text).to.contain('Page not found');
    expect(response.text).to.contain(String(response.headers['x-request-id']));
  });

  it('answers an unknown JSON route with a JSON 404', async () => {
    const response = await request(t.app).get('/api/no-such-thing');
    expect(response.status).to.equal(404);
    expect(response.body).to.deep.equal({ error: 'not_found', message: 'We could not find that page.' });
  });

  it('answers a malformed JSON body with 400, not a crash', async () => {
    const response = await request(t.app)
      .post('/api/anything')
      .set('content-type', 'application/json')
      .send('{"broken":');
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('invalid_request');
  });

  it('serves the stylesheet from this origin', async () => {
    const response = await request(t.app).get('/static/css/app.css');
    expect(response.status).to.equal(200);
    expect(response.type).to.equal('text/css');
  });

  it('keeps a sane caller request id and replaces a hostile one', async () => {
    const kept = await request(t.app).get('/healthz').set('x-request-id', 'abc-123-def-456');
    expect(kept.headers['x-request-id']).to.equal('abc-123-def-456');
    const replaced = await request(t.app).get('/healthz').set('x-request-id', '<script>');
    expect(replaced.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });
});
