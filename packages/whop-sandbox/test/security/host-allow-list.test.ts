import { expect } from 'chai';
import { connect } from 'node:net';
import request from 'supertest';
import { createSandbox } from '../../src/sandbox-app.ts';
import { hostNameOf } from '../../src/host-allow-list.ts';
import { startTestSandbox, type TestSandbox } from '../support/sandbox-fixture.ts';

/** One HTTP/1.0 request with exactly the given header lines (none: no Host at all); returns the status. */
function rawStatus(url: string, headerLines: string[]): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) }, () =>
      socket.write(['GET /sandbox/api/app HTTP/1.0', ...headerLines, '', ''].join('\r\n')),
    );
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Number(/^HTTP\/1\.\d (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))?.[1])));
  });
}

describe('sandbox Host allow-list (DNS rebinding)', () => {
  let sandbox: TestSandbox;
  before(async () => (sandbox = await startTestSandbox()));
  after(() => sandbox.close());

  const secretPaths = ['/sandbox/api/app', '/.well-known/openid-configuration', '/sandbox', '/api/v1/users/me'];

  it('refuses a request addressed to any other name with 403, before it reaches a route', async () => {
    for (const host of ['evil.example', 'evil.example:4010', 'localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.5'])
      for (const path of secretPaths) {
        const response = await request(sandbox.url).get(path).set('Host', host);
        expect(response.status, `${host}${path}`).to.equal(403);
        expect(response.text).not.to.include(sandbox.options.app.clientSecret);
        expect(response.text).not.to.include(sandbox.options.app.webhookSecret);
      }
  });

  it('refuses a request with no Host header at all', async () => {
    expect(await rawStatus(sandbox.url, [])).to.equal(403);
    expect(await rawStatus(sandbox.url, ['Host: 127.0.0.1'])).to.equal(200);
  });

  it('answers localhost, 127.0.0.1 and [::1] on any port', async () => {
    for (const host of ['localhost', 'localhost:4010', 'LOCALHOST:1', '127.0.0.1', '127.0.0.1:9999', '[::1]:4010']) {
      const response = await request(sandbox.url).get('/sandbox/api/app').set('Host', host);
      expect(response.status, host).to.equal(200);
    }
  });

  it('answers its configured host', async () => {
    const other = await createSandbox({ ...sandbox.options, origin: 'http://whop-sandbox.internal:4010' });
    try {
      expect(
        (await request(other.app).get('/sandbox/api/app').set('Host', 'whop-sandbox.internal:4010')).status,
      ).to.equal(200);
      expect((await request(other.app).get('/sandbox/api/app').set('Host', 'whop-sandbox.evil')).status).to.equal(403);
    } finally {
      await other.close();
    }
  });

  it('reads the host name out of a Host header, or nothing when it is not one', () => {
    expect(hostNameOf('Example.COM:80')).to.equal('example.com');
    expect(hostNameOf('[::1]:4010')).to.equal('[::1]');
    for (const bad of [undefined, '', 'a b', 'evil.example/x', 'user@localhost', 'localhost\\x', 'localhost:99999'])
      expect(hostNameOf(bad), String(bad)).to.equal(undefined);
  });
});
