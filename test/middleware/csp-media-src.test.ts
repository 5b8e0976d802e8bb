/** `<video>` may load from this origin and, when media redirects to S3, the bucket's origin: nothing else. */
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { securityHeaders } from '../../src/middleware/security-headers.ts';

async function mediaSrc(mediaOrigins?: readonly string[]): Promise<string | undefined> {
  const app = express();
  app.use(securityHeaders({ isProduction: false, mediaOrigins }));
  app.get('/', (_req, res) => void res.send('ok'));
  const response = await request(app).get('/');
  const csp = String(response.headers['content-security-policy']);
  return csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('media-src '));
}

describe('CSP media-src', () => {
  it('allows only this origin for disk storage', async () => {
    expect(await mediaSrc()).to.equal("media-src 'self'");
    expect(await mediaSrc([])).to.equal("media-src 'self'");
  });

  it('adds the object storage’s origin when playback redirects there', async () => {
    expect(await mediaSrc(['https://chronos-media.s3.eu-west-1.amazonaws.com'])).to.equal(
      "media-src 'self' https://chronos-media.s3.eu-west-1.amazonaws.com",
    );
  });
});
