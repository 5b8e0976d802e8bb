import { expect } from 'chai';
import { redisTls } from '../../src/config/redis-tls.ts';
import { selfSignedCa } from '../support/config-env.ts';

describe('TLS to Redis (rediss://, REDIS_CA, REDIS_TLS_INSECURE)', () => {
  const { pem } = selfSignedCa();

  it('checks the certificate of a rediss:// server, against REDIS_CA when given', () => {
    expect(redisTls({ REDIS_URL: 'rediss://cache:6380' })).to.deep.equal({
      tls: { options: { rejectUnauthorized: true }, insecure: false },
      problems: [],
    });
    expect(redisTls({ REDIS_URL: 'rediss://cache:6380', REDIS_CA: pem }).tls.options).to.deep.equal({
      rejectUnauthorized: true,
      ca: pem,
    });
  });

  it('skips the check only with REDIS_TLS_INSECURE=on, and says so (insecure)', () => {
    expect(redisTls({ REDIS_URL: 'rediss://cache:6380', REDIS_TLS_INSECURE: true }).tls).to.deep.equal({
      options: { rejectUnauthorized: false },
      insecure: true,
    });
  });

  it('uses no TLS for redis://, and refuses the TLS settings there rather than promise what is not there', () => {
    expect(redisTls({ REDIS_URL: 'redis://cache:6379' }).tls.options).to.equal(undefined);
    expect(
      redisTls({ REDIS_URL: 'redis://cache:6379', REDIS_CA: pem, REDIS_TLS_INSECURE: true }).problems,
    ).to.deep.equal([
      'REDIS_CA: applies to a rediss:// REDIS_URL only (TLS), and REDIS_URL is not one',
      'REDIS_TLS_INSECURE: applies to a rediss:// REDIS_URL only (TLS), and REDIS_URL is not one',
    ]);
  });

  it('refuses an unreadable REDIS_CA and one given together with REDIS_TLS_INSECURE', () => {
    expect(redisTls({ REDIS_URL: 'rediss://cache:6380', REDIS_CA: '/nonexistent.pem' }).problems[0]).to.match(
      /^REDIS_CA: cannot read the file \/nonexistent\.pem \(ENOENT\)/,
    );
    expect(
      redisTls({ REDIS_URL: 'rediss://cache:6380', REDIS_CA: pem, REDIS_TLS_INSECURE: true }).problems,
    ).to.deep.equal(['REDIS_TLS_INSECURE: on together with REDIS_CA; give the authority and leave this off']);
  });
});
