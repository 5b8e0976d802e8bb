import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseTls } from '../../src/config/database-tls.ts';
import { selfSignedCa } from '../support/config-env.ts';

const REMOTE = 'postgres://u:p@db.example.com:5432/chronos';

describe('TLS to PostgreSQL (sslmode as libpq reads it, DATABASE_CA)', () => {
  const ca = selfSignedCa();

  it('maps each sslmode into pg ssl options, removing it from the URL so pg never reads it itself', () => {
    const of = (mode: string, extra: { DATABASE_CA?: string } = {}) =>
      databaseTls({ DATABASE_URL: `${REMOTE}?sslmode=${mode}&application_name=x`, ...extra }, true);
    const disable = of('disable');
    expect(disable.problems).to.deep.equal([]);
    expect(disable.tls?.ssl).to.equal(false);
    expect(disable.tls?.url).to.equal(`${REMOTE}?application_name=x`);

    // require: encrypted, certificate not checked (pg alone would check it as verify-full).
    expect(of('require').tls?.ssl).to.deep.equal({ rejectUnauthorized: false });

    const verifyFull = of('verify-full', { DATABASE_CA: ca.file }).tls?.ssl;
    expect(verifyFull).to.deep.equal({ rejectUnauthorized: true, ca: ca.pem });

    const verifyCa = of('verify-ca', { DATABASE_CA: ca.pem }).tls?.ssl;
    expect(verifyCa).to.include({ rejectUnauthorized: true, ca: ca.pem });
    // The host name is not checked in verify-ca: the identity check accepts any name.
    expect(verifyCa && verifyCa.checkServerIdentity?.('other.example', {} as never)).to.equal(undefined);
    expect(verifyFull && 'checkServerIdentity' in verifyFull).to.equal(false);

    // require with an authority checks the chain, as libpq does with a root certificate present.
    const requireWithCa = of('require', { DATABASE_CA: ca.file }).tls?.ssl;
    expect(requireWithCa).to.include({ rejectUnauthorized: true, ca: ca.pem });
  });

  it('reads PGSSLMODE when the URL has none (platforms that own DATABASE_URL), the URL winning otherwise', () => {
    expect(databaseTls({ DATABASE_URL: REMOTE, PGSSLMODE: 'require' }, true).tls?.ssl).to.deep.equal({
      rejectUnauthorized: false,
    });
    expect(databaseTls({ DATABASE_URL: `${REMOTE}?sslmode=disable`, PGSSLMODE: 'require' }, true).tls?.ssl).to.equal(
      false,
    );
  });

  it('refuses, in production, a remote database without TLS unless sslmode=disable is written; loopback and development pass', () => {
    expect(databaseTls({ DATABASE_URL: REMOTE }, true).problems)
      .to.have.length(1)
      .and.to.match(/^DATABASE_URL: the database at db\.example\.com would be reached without TLS/);
    expect(databaseTls({ DATABASE_URL: `${REMOTE}?sslmode=disable` }, true).problems).to.deep.equal([]);
    expect(databaseTls({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/c' }, true).problems).to.deep.equal([]);
    expect(databaseTls({ DATABASE_URL: 'postgres://u@localhost/c' }, true).problems).to.deep.equal([]);
    expect(databaseTls({ DATABASE_URL: REMOTE }, false).problems).to.deep.equal([]);
  });

  it('refuses a malformed sslmode, the modes that fall back to plain text, and parameters it does not read, naming the setting', () => {
    const problems = (url: string, pgsslmode?: string) =>
      databaseTls({ DATABASE_URL: url, ...(pgsslmode ? { PGSSLMODE: pgsslmode } : {}) }, true).problems;
    expect(problems(`${REMOTE}?sslmode=verify_full`)).to.deep.equal([
      'DATABASE_URL: sslmode=verify_full is not a libpq sslmode Chronos accepts; use one of disable, require, verify-ca, verify-full',
    ]);
    expect(problems(`${REMOTE}?sslmode=prefer`)[0]).to.match(
      /^DATABASE_URL: sslmode=prefer may fall back to plain text/,
    );
    expect(problems(REMOTE, 'allow')[0]).to.match(/^PGSSLMODE: sslmode=allow may fall back to plain text/);
    expect(problems(`${REMOTE}?sslmode=require&sslrootcert=/x.pem`)).to.deep.equal([
      'DATABASE_URL: the parameter sslrootcert is not read; use sslmode, and DATABASE_CA for an authority',
    ]);
  });

  it('refuses an unreadable or non-certificate DATABASE_CA, and one no sslmode uses, naming DATABASE_CA', () => {
    const url = `${REMOTE}?sslmode=verify-full`;
    expect(databaseTls({ DATABASE_URL: url, DATABASE_CA: '/nonexistent/ca.pem' }, true).problems).to.deep.equal([
      'DATABASE_CA: cannot read the file /nonexistent/ca.pem (ENOENT); give the PEM text or a readable PEM file',
    ]);
    const notPem = join(mkdtempSync(join(tmpdir(), 'chronos-ca-')), 'ca.pem');
    writeFileSync(notPem, 'hello');
    expect(databaseTls({ DATABASE_URL: url, DATABASE_CA: notPem }, true).problems).to.deep.equal([
      'DATABASE_CA: holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    ]);
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(databaseTls({ DATABASE_URL: url, DATABASE_CA: broken }, true).problems).to.deep.equal([
      'DATABASE_CA: holds a PEM block that is not a valid certificate',
    ]);
    expect(databaseTls({ DATABASE_URL: `${REMOTE}?sslmode=disable`, DATABASE_CA: ca.file }, true).problems[0]).to.match(
      /^DATABASE_CA: set, but DATABASE_URL has no sslmode that uses it/,
    );
  });
});
