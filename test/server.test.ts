import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Sequelize } from 'sequelize';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { loadLocalSecrets } from '../src/config/local-secrets.ts';
import { runningServerPid } from '../src/db/embedded-postgres-files.ts';
import { bareChildEnv } from './support/test-env.ts';
import { freePort } from './support/free-port.ts';
import { startEntryPoint, waitForOk, type RunningProcess } from './support/child-process.ts';

async function stop(server: RunningProcess): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

async function withEmbedded<T>(varDir: string, work: (sequelize: Sequelize) => Promise<T>): Promise<T> {
  // The server's own data folder and password, as the stopped server left them.
  const embedded = await startEmbeddedPostgres({
    dataDir: join(varDir, 'pgdata'),
    password: loadLocalSecrets(varDir).databasePassword,
    database: 'chronos',
    logger: pino({ level: 'silent' }),
  });
  const sequelize = new Sequelize(embedded.url, { logging: false });
  try {
    return await work(sequelize);
  } finally {
    await sequelize.close();
    await embedded.close();
  }
}

describe('the server process (src/server.ts)', function () {
  this.timeout(90_000);

  it('starts on the embedded defaults with no settings (with the sandbox beside it), serves its pages, stops on SIGTERM, and keeps its data across a restart', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'chronos-server-'));
    const env = bareChildEnv({
      PORT: String(await freePort()),
      SANDBOX_PORT: String(await freePort()),
      VAR_DIR: varDir,
      LOG_LEVEL: 'warn',
    });
    const base = `http://127.0.0.1:${env.PORT}`;

    const first = startEntryPoint('src/server.ts', env);
    await waitForOk(`${base}/healthz`, 40_000, first);
    // The CLI loads for a second or two: it starts now and is checked once the pages have been.
    const cli = startEntryPoint('src/bin/whop.ts', env, ['users']);
    for (const path of ['/', '/login', '/healthz', '/readyz'])
      expect((await fetch(`${base}${path}`)).status, path).to.equal(200);
    const sandboxUrl = `http://localhost:${env.SANDBOX_PORT}`;
    expect((await fetch(`${sandboxUrl}/sandbox`)).status).to.equal(200);
    const login = await fetch(`${base}/api/whop/auth/login`, { redirect: 'manual' });
    expect(login.status).to.equal(302);
    expect(login.headers.get('location')).to.match(new RegExp(`^${sandboxUrl}/oauth/authorize\\?`));
    expect(await cli.exited, cli.output()).to.equal(0);
    expect(cli.output()).to.contain('user_creator_free');
    expect(await stop(first)).to.equal(0);

    await withEmbedded(varDir, (db) =>
      db.query("INSERT INTO users (whop_user_id, username) VALUES ('user_kept', 'kept')"),
    );

    // Killed outright (kill -9): its embedded server is left running; the next start takes over.
    const second = startEntryPoint('src/server.ts', env);
    await waitForOk(`${base}/readyz`, 40_000, second);
    second.child.kill('SIGKILL');
    await second.exited;
    expect(runningServerPid(join(varDir, 'pgdata')), 'the killed process left its database server running').to.be.a(
      'number',
    );

    const third = startEntryPoint('src/server.ts', env);
    await waitForOk(`${base}/readyz`, 40_000, third);
    expect(await stop(third)).to.equal(0);
    expect(runningServerPid(join(varDir, 'pgdata')), 'SIGTERM stops the database server too').to.equal(undefined);

    const [users] = await withEmbedded(varDir, (db) => db.query('SELECT username FROM users'));
    expect(users).to.deep.equal([{ username: 'kept' }]);
  });

  it('refuses to start in production with nothing set, naming each missing setting on its own line', async () => {
    const server = startEntryPoint('src/server.ts', bareChildEnv({ NODE_ENV: 'production' }));
    const code = await server.exited;
    expect(code).to.equal(1);
    const lines = server.output().trim().split('\n');
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'WHOP_API_KEY', 'WHOP_WEBHOOK_SECRET', 'SESSION_SECRET', 'PORT']) {
      expect(lines, name).to.include(`config error: ${name} is required in production`);
    }
  });
});
