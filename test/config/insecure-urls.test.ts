import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Env } from '../../src/config/config.ts';
import { smtpUrlUsesTls } from '../../src/config/insecure-urls.ts';
import { warnOfInsecureUrls } from '../../src/runtime.ts';
import { capturingLogger } from '../support/test-runtime.ts';
import { logRecords } from '../support/log-records.ts';
import { problemsOf, productionEnv } from '../support/config-env.ts';

const production = productionEnv({ SMTP_URL: 'smtps://mailer:pw@mail.example.com:465' });

const insecure: Env = {
  WHOP_API_BASE: 'http://whop.internal/api/v1',
  WHOP_OAUTH_ISSUER: 'http://whop.internal',
  WHOP_CHECKOUT_URLS: '{"basic":"https://whop.com/checkout/plan_b","pro":"http://whop.com/checkout/plan_p"}',
  SMTP_URL: 'smtp://mailer:pw@mail.example.com:587',
};

describe('production refuses settings in clear text', () => {
  it('refuses http:// for the Whop API, the OAuth issuer and each checkout URL, and SMTP without TLS, naming each', () => {
    const problems = problemsOf({ ...production, ...insecure });
    expect(problems).to.deep.equal([
      'WHOP_API_BASE must be an https:// URL in production (or set ALLOW_INSECURE_URLS=on)',
      'WHOP_OAUTH_ISSUER must be an https:// URL in production (or set ALLOW_INSECURE_URLS=on)',
      'WHOP_CHECKOUT_URLS.pro must be an https:// URL in production (or set ALLOW_INSECURE_URLS=on)',
      'SMTP_URL must use TLS in production: smtps://… or smtp://…?requireTLS=true (STARTTLS required), with the certificate checked (or set ALLOW_INSECURE_URLS=on)',
    ]);
    expect(problems.join('\n')).not.to.include('pw');
  });

  it('accepts https:// everywhere and SMTP over smtps:// or with STARTTLS required', () => {
    const https = {
      WHOP_API_BASE: 'https://api.whop.com/api/v1',
      WHOP_OAUTH_ISSUER: 'https://api.whop.com',
      WHOP_CHECKOUT_URLS: '{"pro":"https://whop.com/checkout/plan_p"}',
    };
    for (const smtp of ['smtps://mail.example.com:465', 'smtp://u:p@mail.example.com:587?requireTLS=true']) {
      const config = loadConfig({ ...production, ...https, SMTP_URL: smtp });
      expect(config.insecureUrlsAllowed).to.deep.equal([]);
      expect(config.smtpUrl).to.equal(smtp);
    }
  });

  it('tells which SMTP URLs really use TLS with a checked certificate', () => {
    expect(smtpUrlUsesTls('smtps://mail.example.com')).to.equal(true);
    expect(smtpUrlUsesTls('smtp://mail.example.com:587?requireTLS=true')).to.equal(true);
    for (const clear of [
      'smtp://mail.example.com:587',
      'smtp://mail.example.com:465?secure=true',
      'smtp://mail.example.com:587?requireTLS=true&ignoreTLS=true',
      'smtps://mail.example.com?tls.rejectUnauthorized=false',
      'direct://mail.example.com',
    ])
      expect(smtpUrlUsesTls(clear), clear).to.equal(false);
  });

  it('lets them through with ALLOW_INSECURE_URLS=on, and the start logs a warning naming each', () => {
    const config = loadConfig({ ...production, ...insecure, ALLOW_INSECURE_URLS: 'on' });
    expect(config.whop.apiBase).to.equal('http://whop.internal/api/v1');
    expect(config.insecureUrlsAllowed).to.have.length(4);

    const { logger, lines } = capturingLogger();
    warnOfInsecureUrls(config, logger);
    const [warning, ...others] = logRecords(lines);
    expect(others).to.deep.equal([]);
    expect(warning).to.include({
      level: 40,
      msg: 'ALLOW_INSECURE_URLS is on: these production settings travel without TLS',
    });
    expect((warning!.settings as string[]).join('\n'))
      .to.include('WHOP_API_BASE')
      .and.include('SMTP_URL');
    expect(lines.join('')).not.to.include(':pw@');
  });

  it('logs nothing when the opt-out lets nothing through, or outside production', () => {
    const { logger, lines } = capturingLogger();
    warnOfInsecureUrls(loadConfig({ ...production, ALLOW_INSECURE_URLS: 'on' }), logger);
    warnOfInsecureUrls(
      loadConfig({ NODE_ENV: 'test', VAR_DIR: mkdtempSync(join(tmpdir(), 'chronos-config-')), ...insecure }),
      logger,
    );
    expect(lines).to.deep.equal([]);
  });

  it('refuses a value of ALLOW_INSECURE_URLS that is not a switch', () => {
    expect(problemsOf({ ...production, ALLOW_INSECURE_URLS: 'sure' })[0]).to.match(/^ALLOW_INSECURE_URLS: /);
  });
});
