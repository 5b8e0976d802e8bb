import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import request from 'supertest';
import { SIGNING_KEY_FILE } from '../../src/oidc/oidc-signing-key.ts';
import { exchangeCode, obtainCode } from './oidc-test-flow.ts';
import { startOidcTestServer } from './oidc-test-server.ts';
import type { OidcTestServer } from './oidc-test-server.ts';

async function issueIdToken(server: OidcTestServer, nonce?: string): Promise<string> {
  const { code, pkce } = await obtainCode(server, undefined, { nonce });
  const response = await exchangeCode(server, code, pkce.verifier);
  expect(response.status).to.equal(200);
  return response.body.id_token;
}

describe('sandbox OIDC signing key', () => {
  const servers: OidcTestServer[] = [];
  let dataDir: string | undefined;

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  async function start(settings: { dataDir?: string } = {}): Promise<OidcTestServer> {
    const server = await startOidcTestServer(settings);
    servers.push(server);
    return server;
  }

  it('publishes an ES256 P-256 public key with a kid, and no private part', async () => {
    const server = await start();
    const response = await request(server.origin).get('/.well-known/jwks.json');
    expect(response.status).to.equal(200);
    expect(response.body.keys).to.have.length(1);
    const [key] = response.body.keys;
    expect(key).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key.kid).to.be.a('string').and.not.equal('');
    expect(key).to.not.have.property('d');
  });

  it('lets jose verify the id token against the JWKS', async () => {
    const server = await start();
    const idToken = await issueIdToken(server, 'nonce-789');
    const jwks = createRemoteJWKSet(new URL(`${server.origin}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(idToken, jwks, {
      issuer: server.origin,
      audience: server.app.clientId,
      algorithms: ['ES256'],
      currentDate: new Date(server.clock.now()),
    });
    expect(protectedHeader.alg).to.equal('ES256');
    expect(payload).to.include({
      sub: 'user_alice',
      nonce: 'nonce-789',
      name: 'Alice <b>Admin</b>',
      preferred_username: 'alice',
      email: 'alice@example.test',
      email_verified: true,
    });
    expect(payload.auth_time).to.be.a('number');
    expect(payload.exp).to.be.greaterThan(payload.iat ?? 0);
  });

  it('leaves nonce out of the id token when none was sent', async () => {
    const server = await start();
    const idToken = await issueIdToken(server, undefined);
    const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(payload).to.not.have.property('nonce');
  });

  it('keeps the key in <dataDir> (mode 0600) and reuses it after a restart', async () => {
    dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'oidc-key-')), 'nested', 'data');
    const first = await start({ dataDir });
    const idToken = await issueIdToken(first);
    const firstJwks = (await request(first.origin).get('/.well-known/jwks.json')).body;

    const file = path.join(dataDir, SIGNING_KEY_FILE);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).to.have.property('d');

    const second = await start({ dataDir });
    const secondJwks = (await request(second.origin).get('/.well-known/jwks.json')).body;
    expect(secondJwks).to.deep.equal(firstJwks);

    const { payload } = await jwtVerify(
      idToken,
      createRemoteJWKSet(new URL(`${second.origin}/.well-known/jwks.json`)),
      { audience: first.app.clientId, currentDate: new Date(first.clock.now()) },
    );
    expect(payload.sub).to.equal('user_alice');
  });

  it('makes a fresh key per in-memory instance', async () => {
    const [one, two] = [await start(), await start()];
    const kidOf = async (server: OidcTestServer) =>
      (await request(server.origin).get('/.well-known/jwks.json')).body.keys[0].kid;
    expect(await kidOf(one)).to.not.equal(await kidOf(two));
  });
});
