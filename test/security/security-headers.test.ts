/**
 * Every page Chronos serves, for every role and every outcome (200, redirects, 400, 401, 403,
 * 404, 413, JSON and static files), carries the security headers: a strict CSP, nosniff, a
 * referrer policy, no framing, no `X-Powered-By`. HSTS appears only in production.
 */
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { loadConfig } from '../../src/config/config.ts';
import { createApp } from '../../src/app.ts';
import { securityHeaders } from '../../src/middleware/security-headers.ts';
import { LIBRARY_VIDEO_ID } from './support/routes.ts';
import {
  appRequest,
  startSecurityCast,
  type AppResponse,
  type Role,
  type SecurityCast,
} from './support/security-fixture.ts';

const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  PORT: '8080',
  APP_URL: 'https://chronos.example.com',
  SESSION_SECRET: 's'.repeat(40),
  DATABASE_URL: 'postgres://db/x?sslmode=require',
  REDIS_URL: 'redis://cache:6379',
  WHOP_API_KEY: 'k',
  WHOP_CLIENT_ID: 'c',
  WHOP_CLIENT_SECRET: 's',
  WHOP_APP_ID: 'app_x',
  WHOP_COMPANY_ID: 'biz_x',
  WHOP_WEBHOOK_SECRET: 'ws_secret_value',
  WHOP_TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
  WHOP_TIER_PRODUCTS: '{}',
  ADMIN_WHOP_USER_IDS: 'user_a',
  SMTP_URL: 'smtps://mail:465',
  MAIL_FROM: 'x@y.z',
  STORAGE: 'disk',
};

type HeaderSource = { get(name: string): string | undefined | null };

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!.toLowerCase(), values];
      }),
  );
}

/** The problems with one response's security headers (none: an empty list). */
function headerProblems(headers: HeaderSource, options: { hsts: boolean }): string[] {
  const problems: string[] = [];
  const csp = headers.get('content-security-policy');
  if (!csp) return ['no Content-Security-Policy'];
  const d = directives(csp);
  const has = (name: string, value: string) => d.get(name)?.includes(value) ?? false;
  if (!has('default-src', "'self'")) problems.push(`default-src is ${d.get('default-src')?.join(' ')}`);
  const scripts = d.get('script-src') ?? d.get('default-src') ?? [];
  if (scripts.some((v) => ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:'].includes(v)))
    problems.push(`script-src allows ${scripts.join(' ')}`);
  if (!has('frame-ancestors', "'none'")) problems.push(`frame-ancestors is ${d.get('frame-ancestors')?.join(' ')}`);
  if (!has('object-src', "'none'")) problems.push(`object-src is ${d.get('object-src')?.join(' ')}`);
  if (headers.get('x-content-type-options') !== 'nosniff')
    problems.push(`X-Content-Type-Options is ${headers.get('x-content-type-options')}`);
  const referrer = headers.get('referrer-policy') ?? '';
  if (!/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/.test(referrer))
    problems.push(`Referrer-Policy is ${referrer || 'missing'}`);
  if (!/^(DENY|SAMEORIGIN)$/i.test(headers.get('x-frame-options') ?? ''))
    problems.push(`X-Frame-Options is ${headers.get('x-frame-options')}`);
  if (headers.get('x-powered-by')) problems.push(`X-Powered-By: ${headers.get('x-powered-by')}`);
  const hsts = headers.get('strict-transport-security');
  if (options.hsts && !/max-age=(\d+)/.test(hsts ?? '')) problems.push('no Strict-Transport-Security in production');
  if (options.hsts && Number(/max-age=(\d+)/.exec(hsts ?? '')?.[1] ?? 0) < 15_552_000)
    problems.push(`HSTS max-age too short: ${hsts}`);
  if (!options.hsts && hsts) problems.push(`Strict-Transport-Security outside production: ${hsts}`);
  return problems;
}

/** Markup the strict CSP would block or that lets script in: inline scripts, handlers, inline styles, javascript: URLs. */
function markupProblems(html: string): string[] {
  const problems: string[] = [];
  for (const tag of html.match(/<script\b[^>]*>/gi) ?? [])
    if (!/\bsrc="\/(?!\/)/.test(tag)) problems.push(`inline or foreign script ${tag}`);
  if (/\son[a-z]+\s*=/i.test(html.replace(/<(pre|code|td)[^>]*>[\s\S]*?<\/\1>/gi, '')))
    problems.push('inline event handler attribute');
  if (/\sstyle\s*=/i.test(html)) problems.push('inline style attribute (blocked by style-src)');
  if (/href\s*=\s*["']?\s*javascript:/i.test(html)) problems.push('javascript: URL');
  return problems;
}

const fetchHeaders = (response: AppResponse): HeaderSource => ({ get: (name) => response.headers.get(name) });

describe('security headers on every page', function () {
  this.timeout(60_000);
  let cast: SecurityCast;

  before(async () => {
    cast = await startSecurityCast();
  });
  after(() => cast?.t.close());

  it('sends the strict CSP, nosniff, a referrer policy and no framing on every page, status and role, and no X-Powered-By or HSTS outside production', async () => {
    const visits: [Role, string, string, number, { body?: string; contentType?: string; csrf?: 'none' }?][] = [
      ['stranger', 'GET', '/', 200],
      ['stranger', 'GET', '/login', 200],
      ['stranger', 'GET', '/login?returnTo=%2Fdashboard', 200],
      ['stranger', 'GET', '/dashboard', 302],
      ['stranger', 'GET', '/admin/tiers', 302],
      ['stranger', 'GET', '/api/me', 401],
      ['stranger', 'GET', '/no-such-page', 404],
      ['stranger', 'GET', '/api/no-such-thing', 404],
      ['stranger', 'GET', '/api/whop/auth/callback?state=forged&code=x', 400],
      ['stranger', 'GET', '/api/whop/auth/login', 302],
      ['stranger', 'GET', '/healthz', 200],
      ['stranger', 'GET', '/readyz', 200],
      ['stranger', 'GET', '/static/css/app.css', 200],
      ['stranger', 'GET', '/static/favicon.svg', 200],
      ['stranger', 'GET', '/static/../package.json', 404],
      ['stranger', 'POST', '/api/ai/credits', 400, { body: '{', contentType: 'application/json' }],
      ['stranger', 'GET', '/dashboard/videos', 302],
      [
        'stranger',
        'POST',
        '/onboarding',
        413,
        { body: `companyId=${'x'.repeat(200_000)}`, contentType: 'application/x-www-form-urlencoded' },
      ],
      ['creator', 'GET', '/dashboard', 200],
      ['creator', 'GET', '/analytics', 403],
      ['creator', 'GET', '/admin/tiers', 403],
      ['creator', 'GET', '/admin/webhooks', 403],
      ['creator', 'GET', '/api/me', 200],
      ['creator', 'GET', '/dashboard/videos', 200],
      ['creator', 'GET', `/dashboard/videos/${LIBRARY_VIDEO_ID}/delete`, 200],
      [
        'creator',
        'POST',
        `/dashboard/videos/${LIBRARY_VIDEO_ID}/title`,
        403,
        { body: 'title=x', contentType: 'application/x-www-form-urlencoded', csrf: 'none' },
      ],
      [
        'creator',
        'POST',
        `/dashboard/videos/${LIBRARY_VIDEO_ID}/title`,
        400,
        { body: 'title=', contentType: 'application/x-www-form-urlencoded' },
      ],
      ['creator', 'POST', '/api/ai/credits', 400, { body: '{}', contentType: 'application/json' }],
      ['creatorPro', 'GET', '/dashboard', 200],
      ['creatorPro', 'GET', '/analytics', 200],
      ['student', 'GET', '/dashboard', 200],
      ['student', 'GET', '/analytics', 403],
      ['student', 'POST', '/api/ai/credits', 403, { body: '{"amount":1}', contentType: 'application/json' }],
      ['member', 'GET', '/dashboard', 200],
      [
        'member',
        'POST',
        '/onboarding',
        400,
        { body: 'companyId=nope', contentType: 'application/x-www-form-urlencoded' },
      ],
      ['admin', 'GET', '/admin/tiers', 200],
      ['admin', 'GET', '/admin/tiers?sort=videos&dir=asc&page=3', 200],
      ['admin', 'GET', '/admin/webhooks', 200],
      ['admin', 'GET', '/dashboard', 302],
      ['admin', 'GET', '/onboarding', 200],
      ['admin', 'POST', '/admin/webhooks/evt_none/replay', 404],
    ];
    const problems: string[] = [];
    for (const [role, method, path, status, options] of visits) {
      const response = await appRequest(cast.t, cast.actors[role], method, path, options ?? {});
      const label = `${role} ${method} ${path.slice(0, 60)}`;
      if (response.status !== status) problems.push(`${label}: status ${response.status}, expected ${status}`);
      for (const problem of headerProblems(fetchHeaders(response), { hsts: false }))
        problems.push(`${label} (${response.status}): ${problem}`);
      if (response.contentType.startsWith('text/html'))
        for (const problem of markupProblems(response.text)) problems.push(`${label}: ${problem}`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('never says X-Powered-By on the webhook route either', async () => {
    const response = await fetch(`${cast.t.appUrl}/api/whop/webhook`, { method: 'POST', body: '{}' });
    expect(response.status).to.equal(400);
    expect(response.headers.get('x-powered-by')).to.equal(null);
  });

  it('adds Strict-Transport-Security (and upgrade-insecure-requests) when the app is built with a production config', async () => {
    const config = loadConfig(PRODUCTION_ENV);
    const app = createApp({ ...cast.t.runtime.deps, config });
    const problems: string[] = [];
    for (const path of ['/', '/login', '/no-such-page', '/healthz', '/static/css/app.css', '/dashboard']) {
      const response = await request(app).get(path).set('x-forwarded-proto', 'https');
      const headers: HeaderSource = { get: (name) => response.headers[name] as string | undefined };
      for (const problem of headerProblems(headers, { hsts: true }))
        problems.push(`GET ${path} (${response.status}): ${problem}`);
      const csp = directives(response.headers['content-security-policy'] as string);
      if (!csp.has('upgrade-insecure-requests')) problems.push(`GET ${path}: no upgrade-insecure-requests`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('securityHeaders() alone: HSTS with includeSubDomains in production, none in development', async () => {
    const tiny = (isProduction: boolean) =>
      express()
        .use(securityHeaders({ isProduction }))
        .get('/', (_req, res) => void res.send('ok'));
    const production = await request(tiny(true)).get('/');
    expect(production.headers['strict-transport-security']).to.match(/max-age=\d{8,}; includeSubDomains/);
    const development = await request(tiny(false)).get('/');
    expect(development.headers['strict-transport-security']).to.equal(undefined);
  });
});
