import { expect } from 'chai';
import { ConfigError, loadConfig, loadReleaseConfig, type Env } from '../../src/config/config.ts';

const platformVars: Env = {
  NODE_ENV: 'production',
  APP_URL: 'https://chronos.example.com',
  SESSION_SECRET: 's'.repeat(40),
  DATABASE_URL: 'postgres://u:p@db.example.com:5432/chronos?sslmode=require',
  REDIS_URL: 'rediss://cache.example.com:6380',
  WHOP_API_KEY: 'apik_live',
  WHOP_CLIENT_ID: 'app_live',
  WHOP_CLIENT_SECRET: 'secret_live',
  WHOP_APP_ID: 'app_live',
  WHOP_COMPANY_ID: 'biz_live',
  WHOP_WEBHOOK_SECRET: 'ws_live_secret_value',
  WHOP_TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
  WHOP_TIER_PRODUCTS: '{"prod_b":"basic"}',
  ADMIN_WHOP_USER_IDS: 'user_ops1',
  SMTP_URL: 'smtp://mail.example.com:587?requireTLS=true',
  MAIL_FROM: 'Chronos <hi@chronos.example.com>',
  STORAGE: 'disk',
};

function problems(load: () => unknown): string[] {
  try {
    load();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

function without(env: Env, ...names: string[]): Env {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

describe('settings per Procfile role (a platform gives PORT to web only)', () => {
  it('web requires PORT; the worker starts without PORT and SESSION_SECRET', () => {
    expect(problems(() => loadConfig(platformVars, 'web'))).to.deep.equal(['PORT is required in production']);
    const worker = loadConfig(without(platformVars, 'SESSION_SECRET'), 'worker');
    expect(worker.role).to.equal('worker');
    expect(worker.port).to.equal(undefined);
    expect(worker.sessionSecrets).to.deep.equal([]);
    expect(worker.databaseSsl).to.deep.equal({ rejectUnauthorized: false });
    expect(worker.databaseUrl).to.equal('postgres://u:p@db.example.com:5432/chronos');
  });

  it('the worker still refuses a missing setting it uses, naming it', () => {
    expect(problems(() => loadConfig(without(platformVars, 'REDIS_URL', 'WHOP_API_KEY'), 'worker'))).to.deep.equal([
      'REDIS_URL is required in production',
      'WHOP_API_KEY is required in production',
    ]);
  });

  it('release needs only the database settings, and refuses their absence or a malformed sslmode', () => {
    const release = loadReleaseConfig({ DATABASE_URL: platformVars.DATABASE_URL });
    expect(release.isProduction).to.equal(false);
    const production = loadReleaseConfig({ NODE_ENV: 'production', DATABASE_URL: platformVars.DATABASE_URL });
    expect(production).to.include({ isProduction: true, databaseUrl: 'postgres://u:p@db.example.com:5432/chronos' });
    expect(production.embeddedDatabasePassword).to.equal(undefined);
    expect(problems(() => loadReleaseConfig({ NODE_ENV: 'production' }))).to.deep.equal([
      'DATABASE_URL is required in production',
    ]);
    expect(
      problems(() =>
        loadReleaseConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db.example.com/c?sslmode=on' }),
      ),
    ).to.have.length(1);
  });

  it('release does not read the settings it does not use (a bad REDIS_CA does not stop migrations)', () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: platformVars.DATABASE_URL, REDIS_CA: '/nonexistent.pem' };
    expect(problems(() => loadReleaseConfig(env))).to.deep.equal([]);
    expect(problems(() => loadConfig({ ...platformVars, ...env }, 'worker'))).to.deep.include(
      'REDIS_CA: cannot read the file /nonexistent.pem (ENOENT); give the PEM text or a readable PEM file',
    );
  });
});
