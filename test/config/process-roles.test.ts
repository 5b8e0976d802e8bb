import { expect } from 'chai';
import { loadConfig, loadReleaseConfig } from '../../src/config/config.ts';
import { productionEnv, refusedWith, withoutSettings } from '../support/config-env.ts';

/** What a platform gives every role: all of production's settings but PORT, which only web gets. */
const platformVars = withoutSettings(productionEnv(), 'PORT');

describe('settings per Procfile role (a platform gives PORT to web only)', () => {
  it('web requires PORT; the worker starts without PORT and SESSION_SECRET', () => {
    expect(refusedWith(() => loadConfig(platformVars, 'web'))).to.deep.equal(['PORT is required in production']);
    const worker = loadConfig(withoutSettings(platformVars, 'SESSION_SECRET'), 'worker');
    expect(worker.role).to.equal('worker');
    expect(worker.port).to.equal(undefined);
    expect(worker.sessionSecrets).to.deep.equal([]);
    expect(worker.databaseSsl).to.deep.equal({ rejectUnauthorized: false });
    expect(worker.databaseUrl).to.equal('postgres://u:p@db.example.com:5432/chronos');
  });

  it('the worker still refuses a missing setting it uses, naming it', () => {
    expect(
      refusedWith(() => loadConfig(withoutSettings(platformVars, 'REDIS_URL', 'WHOP_API_KEY'), 'worker')),
    ).to.deep.equal(['REDIS_URL is required in production', 'WHOP_API_KEY is required in production']);
  });

  it('release needs only the database settings, and refuses their absence or a malformed sslmode', () => {
    const release = loadReleaseConfig({ DATABASE_URL: platformVars.DATABASE_URL });
    expect(release.isProduction).to.equal(false);
    const production = loadReleaseConfig({ NODE_ENV: 'production', DATABASE_URL: platformVars.DATABASE_URL });
    expect(production).to.include({ isProduction: true, databaseUrl: 'postgres://u:p@db.example.com:5432/chronos' });
    expect(production.embeddedDatabasePassword).to.equal(undefined);
    expect(refusedWith(() => loadReleaseConfig({ NODE_ENV: 'production' }))).to.deep.equal([
      'DATABASE_URL is required in production',
    ]);
    expect(
      refusedWith(() =>
        loadReleaseConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db.example.com/c?sslmode=on' }),
      ),
    ).to.have.length(1);
  });

  it('release does not read the settings it does not use (a bad REDIS_CA does not stop migrations)', () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: platformVars.DATABASE_URL, REDIS_CA: '/nonexistent.pem' };
    expect(() => loadReleaseConfig(env)).not.to.throw();
    expect(refusedWith(() => loadConfig({ ...platformVars, ...env }, 'worker'))).to.deep.include(
      'REDIS_CA: cannot read the file /nonexistent.pem (ENOENT); give the PEM text or a readable PEM file',
    );
  });
});
