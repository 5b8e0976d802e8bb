/**
 * Environments for the config tests, built in one place: a complete, valid production
 * environment that a test changes or trims, a development one with its own throw-away var/
 * folder, the problems a refused environment is reported with, and a certificate authority
 * made with openssl for the TLS settings.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Env } from '../../src/config/config.ts';

/** Every setting production requires, each valid (disk storage, mail over STARTTLS). */
const PRODUCTION: Readonly<Env> = Object.freeze({
  NODE_ENV: 'production',
  PORT: '8080',
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
  WHOP_TIER_PRODUCTS: '{"prod_b":"basic","prod_p":"pro"}',
  ADMIN_WHOP_USER_IDS: 'user_ops',
  SMTP_URL: 'smtp://mail.example.com:587?requireTLS=true',
  MAIL_FROM: 'Chronos <hi@chronos.example.com>',
  STORAGE: 'disk',
});

/** A complete production environment with `overrides` applied. */
export function productionEnv(overrides: Env = {}): Env {
  return { ...PRODUCTION, ...overrides };
}

/** `env` without the settings `names`. */
export function withoutSettings(env: Env, ...names: string[]): Env {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

/** A development environment (no NODE_ENV) whose generated secrets go to a fresh folder. */
export function developmentEnv(extra: Env = {}): Env {
  return { VAR_DIR: mkdtempSync(join(tmpdir(), 'chronos-config-')), ...extra };
}

/** The problems `loadConfig(env)` refuses `env` with; fails the test when it is accepted. */
export function problemsOf(env: Env): string[] {
  return refusedWith(() => loadConfig(env));
}

/** The problems of the ConfigError `load` throws; fails the test when it throws none. */
export function refusedWith(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  expect.fail('expected a ConfigError');
}

/** A self-signed certificate authority made with openssl, as a provider's would be given. */
export function selfSignedCa(): { file: string; pem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chronos-ca-'));
  const file = join(dir, 'ca.crt');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'].concat([
      '-keyout',
      join(dir, 'ca.key'),
      '-out',
      file,
      '-subj',
      '/CN=test CA',
    ]),
    { stdio: 'ignore' },
  );
  return { file, pem: readFileSync(file, 'utf8') };
}
