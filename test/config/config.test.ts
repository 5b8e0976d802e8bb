import { expect } from 'chai';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, compiledBuildEnv, loadConfig, type Env } from '../../src/config/config.ts';
import { SDK_API_VERSION_DATE } from '../../src/config/whop-settings.ts';
import { STORAGE_REQUIRED_IN_PRODUCTION } from '../../src/config/storage-config.ts';
import { developmentEnv, problemsOf, productionEnv } from '../support/config-env.ts';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

const completeProduction: Env = productionEnv({
  ADMIN_WHOP_USER_IDS: 'user_ops1, user_ops2',
  STORAGE: 's3',
  S3_BUCKET: 'chronos-media',
  S3_REGION: 'eu-west-1',
});

describe('config', () => {
  describe('outside production', () => {
    it('runs on the embedded defaults with the sandbox on and secrets kept under var/', () => {
      const varDir = developmentEnv().VAR_DIR!;
      const config = loadConfig({ VAR_DIR: varDir });
      expect(config.port).to.equal(3000);
      expect(config.appUrl).to.equal('http://localhost:3000');
      expect(config.databaseUrl).to.equal(undefined);
      expect(config.redisUrl).to.equal(undefined);
      expect(config.whop.sandbox).to.equal(true);
      expect(config.whop.apiBase).to.equal('http://localhost:4010/api/v1');
      expect(config.whop.oauthIssuer).to.equal('http://localhost:4010');
      expect(config.whop.companyId).to.equal('biz_chronos');
      expect(config.whop.webhookSecrets[0]).to.match(/^ws_/);
      expect(config.whop.tierProducts).to.deep.equal({
        prod_basic: 'basic',
        prod_pro: 'pro',
        prod_enterprise: 'enterprise',
      });
      expect(config.adminWhopUserIds).to.deep.equal(['user_admin']);
      expect(config.whop.tokenEncryptionKeys[0]?.key).to.have.length(32);
      const file = join(varDir, 'secrets.json');
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(JSON.parse(readFileSync(file, 'utf8')).sessionSecret).to.equal(config.sessionSecrets[0]);
    });

    it('keeps the generated secrets across restarts', () => {
      const varDir = developmentEnv().VAR_DIR!;
      const first = loadConfig({ VAR_DIR: varDir });
      const second = loadConfig({ VAR_DIR: varDir });
      expect(second.sessionSecrets).to.deep.equal(first.sessionSecrets);
      expect(second.whop.clientSecret).to.equal(first.whop.clientSecret);
      expect(second.whop.tokenEncryptionKeys[0]?.key.equals(first.whop.tokenEncryptionKeys[0]!.key)).to.equal(true);
    });

    it('derives the app URL from PORT and turns the sandbox off when a real API key is given', () => {
      const config = loadConfig({ VAR_DIR: developmentEnv().VAR_DIR!, PORT: '3100', WHOP_API_KEY: 'apik_real' });
      expect(config.appUrl).to.equal('http://localhost:3100');
      expect(config.whop.sandbox).to.equal(false);
    });

    it('defaults the Whop protocol settings: app id = the OAuth client id, the SDK’s API version, client_secret_post, ES256', () => {
      const config = loadConfig({ VAR_DIR: developmentEnv().VAR_DIR! });
      expect(config.whop.clientId).to.equal('app_chronos_sandbox');
      expect(config.whop.appId).to.equal('app_chronos_sandbox');
      expect(config.whop.apiVersionDate).to.equal(SDK_API_VERSION_DATE);
      expect(config.whop.oauthClientAuth).to.equal('client_secret_post');
      expect(config.whop.idTokenAlg).to.equal('ES256');
      expect(loadConfig({ VAR_DIR: developmentEnv().VAR_DIR!, WHOP_CLIENT_ID: 'app_other' }).whop.appId).to.equal(
        'app_other',
      );
    });

    it('is frozen', () => {
      const config = loadConfig({ VAR_DIR: developmentEnv().VAR_DIR! });
      expect(Object.isFrozen(config)).to.equal(true);
    });

    it('rejects malformed values even in development, naming the variable', () => {
      const problems = problemsOf({
        VAR_DIR: developmentEnv().VAR_DIR!,
        PORT: 'eighty',
        WHOP_TIER_PRODUCTS: '{"prod_x":"gold"}',
        REDIS_URL: 'http://x',
      });
      expect(problems.some((p) => p.startsWith('PORT'))).to.equal(true);
      expect(problems.some((p) => p.startsWith('WHOP_TIER_PRODUCTS'))).to.equal(true);
      expect(problems.some((p) => p.startsWith('REDIS_URL'))).to.equal(true);
    });
  });

  describe('in production', () => {
    it('accepts a complete configuration and never uses the sandbox', () => {
      const config = loadConfig(completeProduction);
      expect(config.isProduction).to.equal(true);
      expect(config.whop.sandbox).to.equal(false);
      expect(config.whop.apiBase).to.equal('https://api.whop.com/api/v1');
      expect(config.whop.oauthIssuer).to.equal('https://api.whop.com');
      expect(config.adminWhopUserIds).to.deep.equal(['user_ops1', 'user_ops2']);
      expect(config.whop.checkoutUrls).to.deep.equal({});
    });

    it('takes the Whop protocol settings as given, with the same defaults as outside production', () => {
      const defaults = loadConfig(completeProduction);
      expect(defaults.whop.appId).to.equal('app_live');
      expect(defaults.whop.apiVersionDate).to.equal(SDK_API_VERSION_DATE);
      expect(defaults.whop.oauthClientAuth).to.equal('client_secret_post');
      expect(defaults.whop.idTokenAlg).to.equal('ES256');
      const given = loadConfig({
        ...completeProduction,
        WHOP_API_VERSION_DATE: '2026-09-02-1',
        WHOP_OAUTH_CLIENT_AUTH: 'client_secret_basic',
        WHOP_ID_TOKEN_ALG: 'RS256',
      });
      expect(given.whop.apiVersionDate).to.equal('2026-09-02-1');
      expect(given.whop.oauthClientAuth).to.equal('client_secret_basic');
      expect(given.whop.idTokenAlg).to.equal('RS256');
    });

    it('needs no client secret for a public client (WHOP_OAUTH_CLIENT_AUTH=none), and one otherwise', () => {
      const { WHOP_CLIENT_SECRET: _secret, ...withoutSecret } = completeProduction;
      expect(loadConfig({ ...withoutSecret, WHOP_OAUTH_CLIENT_AUTH: 'none' }).whop.oauthClientAuth).to.equal('none');
      expect(problemsOf(withoutSecret)).to.deep.equal(['WHOP_CLIENT_SECRET is required in production']);
      expect(problemsOf({ ...withoutSecret, WHOP_OAUTH_CLIENT_AUTH: 'client_secret_basic' })).to.deep.equal([
        'WHOP_CLIENT_SECRET is required in production',
      ]);
    });

    it('refuses malformed Whop protocol settings, naming each', () => {
      const problems = problemsOf({
        ...completeProduction,
        WHOP_APP_ID: 'chronos',
        WHOP_API_VERSION_DATE: 'latest',
        WHOP_OAUTH_CLIENT_AUTH: 'private_key_jwt',
        WHOP_ID_TOKEN_ALG: 'HS256',
      });
      for (const name of ['WHOP_APP_ID', 'WHOP_API_VERSION_DATE', 'WHOP_OAUTH_CLIENT_AUTH', 'WHOP_ID_TOKEN_ALG']) {
        expect(
          problems.some((p) => p.startsWith(name)),
          name,
        ).to.equal(true);
      }
      expect(problems).to.have.length(4);
    });

    it('names every missing setting at once', () => {
      const problems = problemsOf({ NODE_ENV: 'production' });
      for (const name of [
        'PORT',
        'APP_URL',
        'SESSION_SECRET',
        'DATABASE_URL',
        'REDIS_URL',
        'WHOP_API_KEY',
        'WHOP_CLIENT_ID',
        'WHOP_CLIENT_SECRET',
        'WHOP_APP_ID',
        'WHOP_COMPANY_ID',
        'WHOP_WEBHOOK_SECRET',
        'WHOP_TOKEN_ENCRYPTION_KEY',
        'WHOP_TIER_PRODUCTS',
        'ADMIN_WHOP_USER_IDS',
        'SMTP_URL',
        'MAIL_FROM',
      ]) {
        expect(problems, name).to.include(`${name} is required in production`);
      }
      expect(problems).to.include(STORAGE_REQUIRED_IN_PRODUCTION);
    });

    it('names malformed and missing settings in one report', () => {
      const problems = problemsOf({ NODE_ENV: 'production', PORT: 'eighty' });
      expect(problems.some((p) => p.startsWith('PORT'))).to.equal(true);
      expect(problems).to.include('DATABASE_URL is required in production');
      expect(problems).to.include('WHOP_WEBHOOK_SECRET is required in production');
    });

    it('treats empty values as missing', () => {
      expect(problemsOf({ ...completeProduction, WHOP_API_KEY: '  ' })).to.deep.equal([
        'WHOP_API_KEY is required in production',
      ]);
    });

    it('requires an https APP_URL', () => {
      expect(problemsOf({ ...completeProduction, APP_URL: 'http://chronos.example.com' })).to.deep.equal([
        'APP_URL must be an https:// URL in production',
      ]);
    });

    it('refuses to start with the sandbox on', () => {
      expect(problemsOf({ ...completeProduction, WHOP_SANDBOX: 'on' })).to.deep.equal([
        'WHOP_SANDBOX must be off in production',
      ]);
    });

    it('refuses a malformed token encryption key', () => {
      const problems = problemsOf({ ...completeProduction, WHOP_TOKEN_ENCRYPTION_KEY: 'abc' });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^WHOP_TOKEN_ENCRYPTION_KEY: each key must be 32 bytes/);
    });

    it('refuses short session secrets and a non-JSON tier map', () => {
      const problems = problemsOf({
        ...completeProduction,
        SESSION_SECRET: 'short',
        WHOP_TIER_PRODUCTS: 'prod_b=basic',
      });
      expect(problems.some((p) => p.startsWith('SESSION_SECRET'))).to.equal(true);
      expect(problems.some((p) => p.startsWith('WHOP_TIER_PRODUCTS'))).to.equal(true);
    });

    it('accepts rotation lists for the session secret, webhook secret and encryption keys', () => {
      const config = loadConfig({
        ...completeProduction,
        SESSION_SECRET: `${'n'.repeat(40)},${'o'.repeat(40)}`,
        WHOP_WEBHOOK_SECRET: 'ws_new_secret_value, whsec_b2xkLXNlY3JldA==',
        WHOP_TOKEN_ENCRYPTION_KEY: `k2:${KEY_B},k1:${KEY_A}`,
      });
      expect(config.sessionSecrets).to.have.length(2);
      expect(config.whop.webhookSecrets).to.deep.equal(['ws_new_secret_value', 'whsec_b2xkLXNlY3JldA==']);
      expect(config.whop.tokenEncryptionKeys.map((k) => k.kid)).to.deep.equal(['k2', 'k1']);
    });

    it('refuses duplicate key ids', () => {
      expect(problemsOf({ ...completeProduction, WHOP_TOKEN_ENCRYPTION_KEY: `k1:${KEY_B},k1:${KEY_A}` })[0]).to.match(
        /key ids must be unique/,
      );
    });
  });

  describe('WEBHOOK_WORKER_LOOPS', () => {
    it('runs four inbox loops per worker unless set, and refuses 0, fractions and more than 32', () => {
      expect(loadConfig(completeProduction).worker.webhookLoops).to.equal(4);
      expect(loadConfig({ ...completeProduction, WEBHOOK_WORKER_LOOPS: '8' }).worker.webhookLoops).to.equal(8);
      for (const bad of ['0', '1.5', '33', 'many'])
        expect(problemsOf({ ...completeProduction, WEBHOOK_WORKER_LOOPS: bad })[0], bad).to.match(
          /^WEBHOOK_WORKER_LOOPS: /,
        );
    });
  });

  describe('TRUST_PROXY_HOPS', () => {
    it('trusts one proxy in production and none elsewhere, unless set', () => {
      expect(loadConfig(completeProduction).trustProxyHops).to.equal(1);
      expect(loadConfig({ VAR_DIR: developmentEnv().VAR_DIR! }).trustProxyHops).to.equal(0);
      expect(loadConfig({ ...completeProduction, TRUST_PROXY_HOPS: '2' }).trustProxyHops).to.equal(2);
      expect(loadConfig({ ...completeProduction, TRUST_PROXY_HOPS: '0' }).trustProxyHops).to.equal(0);
      expect(loadConfig({ VAR_DIR: developmentEnv().VAR_DIR!, TRUST_PROXY_HOPS: '1' }).trustProxyHops).to.equal(1);
    });

    it('refuses anything but a small whole number, naming the setting', () => {
      for (const bad of ['true', '-1', '1.5', '11'])
        expect(problemsOf({ ...completeProduction, TRUST_PROXY_HOPS: bad })[0], bad).to.match(/^TRUST_PROXY_HOPS: /);
    });
  });

  describe('in the compiled build (dist/)', () => {
    const { NODE_ENV: _unset, ...withoutNodeEnv } = completeProduction;

    it('reads an unset or empty NODE_ENV as production, so a Procfile that forgets it still gets production settings', () => {
      for (const env of [withoutNodeEnv, { ...withoutNodeEnv, NODE_ENV: '' }]) {
        const config = loadConfig(compiledBuildEnv(env));
        expect(config.isProduction).to.equal(true);
        expect(config.whop.sandbox).to.equal(false);
      }
      expect(problemsOf(compiledBuildEnv({ VAR_DIR: developmentEnv().VAR_DIR! }))).to.include(
        'DATABASE_URL is required in production',
      );
    });

    it('keeps NODE_ENV=production and refuses development or test with one line saying why', () => {
      expect(loadConfig(compiledBuildEnv(completeProduction)).isProduction).to.equal(true);
      for (const nodeEnv of ['development', 'test']) {
        let problems: string[] = [];
        try {
          compiledBuildEnv({ ...withoutNodeEnv, NODE_ENV: nodeEnv });
        } catch (error) {
          expect(error).to.be.instanceOf(ConfigError);
          problems = (error as ConfigError).problems;
        }
        expect(problems).to.have.length(1);
        expect(problems[0]).to.match(
          new RegExp(`^NODE_ENV=${nodeEnv}: the compiled build \\(dist/\\) runs in production only`),
        );
      }
    });
  });
});
