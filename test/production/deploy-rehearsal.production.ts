/**
 * The deploy rehearsal: the production build (npm ci, npm run build, npm prune --omit=dev) run
 * as a Procfile platform runs it, against managed services that require TLS: a PostgreSQL with
 * `ssl=on` that refuses plain connections and a Redis on a `tls-port` only, both with
 * certificates of an authority made here. `release`, then `web` and `worker`, with the
 * Procfile's commands and the platform's environment: every setting for every role, `PORT` for
 * web only. A wrong authority stops a role at start with one line naming the service.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PROJECT_ROOT, waitForOk, type RunningProcess } from '../support/child-process.ts';
import { freePort } from '../support/free-port.ts';
import { eventually } from '../support/wait.ts';
import { bareChildEnv } from '../support/test-env.ts';
import type { PrivateService } from '../support/private-services.ts';
import { signWebhook } from '@chronos/whop-sandbox/webhook-signer';
import { delivery, envelope, paymentData } from '../support/webhook-deliveries.ts';
import { productionInstall } from './support/shared-install.ts';
import {
  killLeftovers,
  readProcfile,
  runCommand,
  startCommand,
  stopWithSigterm,
  timed,
  waitForOutput,
} from './support/production-install.ts';
import {
  makeCertificates,
  removeCertificates,
  startTlsPostgres,
  startTlsRedis,
  type Certificates,
  type TlsRedis,
} from './support/tls-services.ts';
import { platformSettings } from './support/platform-settings.ts';

/** Heroku's (and most platforms') wait between SIGTERM and SIGKILL. */
const PLATFORM_GRACE_MS = 30_000;
const COMPANY_ID = 'biz_rehearsal';

describe('deploy rehearsal: the Procfile roles as a platform starts them, over TLS to PostgreSQL and Redis', function () {
  let dir = '';
  let roles: Record<string, string[]> = {};
  let certs: Certificates | undefined;
  let postgres: PrivateService | undefined;
  let redis: TlsRedis | undefined;
  /** The platform's config vars: what every role gets (no PORT). */
  let configVars: Record<string, string> = {};
  let webPort = 0;
  const webhookSecret = `ws_${randomBytes(24).toString('hex')}`;

  function role(name: string): string[] {
    const command = roles[name];
    if (!command) throw new Error(`the Procfile has no ${name} role`);
    return command;
  }

  /** The environment a platform gives a process of `name`: the config vars, and PORT for web only. */
  function platformEnv(name: string, override: Record<string, string> = {}): Record<string, string> {
    return bareChildEnv({ ...configVars, ...(name === 'web' ? { PORT: String(webPort) } : {}), ...override });
  }

  async function query<Row extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<Row[]> {
    const client = new pg.Client({
      connectionString: postgres?.url,
      ssl: { ca: readFileSync(certs?.caFile ?? '', 'utf8') },
    });
    await client.connect();
    try {
      return (await client.query<Row>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  before(async function () {
    this.timeout(300_000);
    const services = timed('TLS PostgreSQL and Redis with certificates from openssl', async () => {
      certs = await makeCertificates();
      postgres = await startTlsPostgres(certs);
      redis = await startTlsRedis(certs);
    });
    [dir] = await Promise.all([productionInstall(), services]);
    roles = readProcfile(dir);
    if (!postgres || !redis || !certs) throw new Error('services not started');
    webPort = await freePort();
    configVars = {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${postgres.port}/postgres?sslmode=verify-full`,
      DATABASE_CA: certs.caFile,
      REDIS_URL: `rediss://127.0.0.1:${redis.port}`,
      REDIS_CA: readFileSync(certs.caFile, 'utf8'),
      APP_URL: 'https://chronos.example.test',
      ...platformSettings('rehearsal', { webhookSecret }),
    };
  });

  after(async function () {
    this.timeout(60_000);
    killLeftovers();
    await redis?.close();
    await postgres?.close();
    removeCertificates(certs);
  });

  it('the PostgreSQL and Redis of the rehearsal refuse plain connections (so what passes below went over TLS)', async () => {
    const plain = new pg.Client({ connectionString: postgres?.url, ssl: false });
    let refusal = '';
    await plain.connect().catch((error: Error) => (refusal = error.message));
    await plain.end().catch(() => undefined);
    expect(refusal).to.match(/no encryption/);
  });

  it('release, without PORT, applies the migrations over TLS; with only the database settings it runs too', async function () {
    this.timeout(90_000);
    const release = await timed('release', () => runCommand(role('release'), dir, platformEnv('release')));
    expect(release.code, release.output).to.equal(0);
    expect(release.output).to.match(/applied \d{8}/);
    expect(release.output).not.to.contain('PORT');
    const only = bareChildEnv({
      DATABASE_URL: configVars.DATABASE_URL ?? '',
      DATABASE_CA: configVars.DATABASE_CA ?? '',
    });
    const again = await runCommand(role('release'), dir, only);
    expect(again.code, again.output).to.equal(0);
    expect(again.output).to.contain('nothing to apply');
  });

  it('web (PORT given) answers /readyz 200, worker (no PORT) processes a signed webhook the web stored, and both exit 0 on SIGTERM within the grace period', async function () {
    this.timeout(180_000);
    const web = startCommand(role('web'), dir, platformEnv('web'));
    const worker = startCommand(role('worker'), dir, platformEnv('worker'));
    const base = `http://127.0.0.1:${webPort}`;
    await timed('web: start until /readyz answers 200', () => waitForOk(`${base}/readyz`, 60_000, web));
    await timed('worker: start until running', () => waitForOutput(worker, /"msg":"worker running"/, 60_000));
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).to.equal(200);

    const data = paymentData({ user: 'user_student1', company: COMPANY_ID, product: 'prod_course1', total: '19.00' });
    const sent = delivery(envelope('payment.succeeded', COMPANY_ID, data));
    // Behind the platform's router, which terminates TLS and says so.
    const headers = signWebhook({
      id: sent.webhookId,
      timestamp: Math.floor(Date.now() / 1000),
      body: sent.body,
      secret: webhookSecret,
    });
    const accepted = await fetch(`${base}/api/whop/webhook`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: sent.body,
    });
    expect(accepted.status, web.output()).to.be.within(200, 299);
    await timed('worker: webhook processed', () => waitForProcessed(sent.webhookId, worker));

    for (const [name, running] of [
      ['web', web],
      ['worker', worker],
    ] as const) {
      const started = Date.now();
      const code = await timed(`${name}: SIGTERM until exit`, () => stopWithSigterm(running, PLATFORM_GRACE_MS));
      expect(code, running.output()).to.equal(0);
      expect(Date.now() - started).to.be.below(PLATFORM_GRACE_MS);
    }
    expect(worker.output()).not.to.match(/config error/);
  });

  async function waitForProcessed(webhookId: string, worker: RunningProcess): Promise<void> {
    const status = await eventually(
      async () => {
        const rows = await query<{ status: string }>('SELECT status FROM webhook_events WHERE id = $1', [webhookId]);
        const current = rows[0]?.status ?? 'absent';
        return current !== 'pending' && current !== 'processing' && current !== 'absent' && current;
      },
      { what: `webhook ${webhookId} settled`, timeoutMs: 60_000, intervalMs: 200, detail: worker.output },
    );
    expect(status, worker.output()).to.be.oneOf(['processed', 'skipped', 'ignored']);
  }

  it('a wrong certificate authority for the database stops release with one line naming the database and its settings', async function () {
    this.timeout(60_000);
    const { code, output } = await runCommand(
      role('release'),
      dir,
      platformEnv('release', { DATABASE_CA: certs?.wrongCaFile ?? '' }),
    );
    expect(code).to.equal(1);
    expect(output).to.match(
      /failed to start: the database at 127\.0\.0\.1:\d+ \(DATABASE_URL sslmode, DATABASE_CA\): TLS failed: /,
    );
    expect(output).not.to.contain('applied');
  });

  it('a wrong certificate authority for Redis stops the worker with one line naming Redis and its settings', async function () {
    this.timeout(60_000);
    const wrong = readFileSync(certs?.wrongCaFile ?? '', 'utf8');
    const { code, output } = await runCommand(role('worker'), dir, platformEnv('worker', { REDIS_CA: wrong }));
    expect(code).to.equal(1);
    expect(output).to.match(/worker failed to start: Redis at 127\.0\.0\.1:\d+ \(REDIS_URL, REDIS_CA\): TLS failed: /);
    expect(output).not.to.contain('worker running');
  });

  it('a certificate that does not name the host (verify-full to localhost) stops web with one line, never falling back to plain text', async function () {
    this.timeout(60_000);
    const url = (configVars.DATABASE_URL ?? '').replace('127.0.0.1', 'localhost');
    const { code, output } = await runCommand(role('web'), dir, platformEnv('web', { DATABASE_URL: url }));
    expect(code).to.equal(1);
    expect(output).to.match(
      /chronos failed to start: the database at localhost:\d+ .*TLS failed: .*(altnames|localhost)/,
    );
    expect(output).not.to.contain('chronos listening');
  });

  it('a malformed sslmode and an unreadable CA file are refused at start, naming the setting', async function () {
    this.timeout(60_000);
    const url = (configVars.DATABASE_URL ?? '').replace('verify-full', 'verify_full');
    const bad = await runCommand(
      role('release'),
      dir,
      platformEnv('release', { DATABASE_URL: url, DATABASE_CA: `${PROJECT_ROOT}/no-such-ca.pem` }),
    );
    expect(bad.code).to.equal(1);
    expect(bad.output).to.contain('config error: DATABASE_URL: sslmode=verify_full is not a libpq sslmode');
    expect(bad.output).to.match(/config error: DATABASE_CA: cannot read the file .*no-such-ca\.pem \(ENOENT\)/);
  });
});
