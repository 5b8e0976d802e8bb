import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningServerPid } from '../src/db/embedded-postgres-files.ts';
import { bareChildEnv } from './support/test-env.ts';
import { freePort } from './support/free-port.ts';
import { startEntryPoint } from './support/child-process.ts';
import { until } from './support/wait.ts';

/** Runs `work` with a free port held by another listener. */
async function withPortTaken(work: (port: number) => Promise<void>): Promise<void> {
  const taken = createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => taken.listen(port, resolve));
  try {
    await work(port);
  } finally {
    taken.close();
  }
}

/** The embedded database of `varDir` is stopped and its data folder released. */
function expectDatabaseReleased(varDir: string): void {
  expect(runningServerPid(join(varDir, 'pgdata'))).to.equal(undefined);
  expect(existsSync(join(varDir, 'pgdata.lock')), 'the data folder is released').to.equal(false);
}

/** The server process's start when something goes wrong, and a stop asked for while it starts (src/server.ts). */
describe('the server process while it starts (src/server.ts)', function () {
  this.timeout(90_000);

  it('says in one line that its port is taken, stops the embedded database it started, and exits 1', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'chronos-server-'));
    await withPortTaken(async (port) => {
      const server = startEntryPoint(
        'src/server.ts',
        bareChildEnv({ PORT: String(port), VAR_DIR: varDir, WHOP_SANDBOX: 'off', LOG_LEVEL: 'warn' }),
      );
      expect(await server.exited).to.equal(1);
      expect(server.output().trim()).to.equal(
        `chronos failed to start: port ${port} is already in use: stop the program that holds it, or set PORT to another port`,
      );
      expectDatabaseReleased(varDir);
    });
  });

  it('stops the embedded database it began starting when a later step fails (the sandbox port taken), and exits 1', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'chronos-server-'));
    await withPortTaken(async (sandboxPort) => {
      const server = startEntryPoint(
        'src/server.ts',
        bareChildEnv({
          PORT: String(await freePort()),
          SANDBOX_PORT: String(sandboxPort),
          VAR_DIR: varDir,
          LOG_LEVEL: 'warn',
        }),
      );
      expect(await server.exited).to.equal(1);
      expect(server.output()).to.contain(`port ${sandboxPort} is already in use`);
      // The database started while the app loaded: created, then stopped and released.
      expect(existsSync(join(varDir, 'pgdata', 'PG_VERSION')), 'the embedded database was started').to.equal(true);
      expectDatabaseReleased(varDir);
    });
  });

  it('stopped by SIGTERM while it starts, stops once started: its embedded database stopped, the folder released, exit 0', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'chronos-server-'));
    const server = startEntryPoint(
      'src/server.ts',
      bareChildEnv({ PORT: String(await freePort()), VAR_DIR: varDir, WHOP_SANDBOX: 'off', LOG_LEVEL: 'info' }),
    );
    // The database's first line comes while the app's modules still load: the server does not listen yet.
    await until(() => server.output().includes('embedded postgres initialised'), {
      what: 'the embedded database initialised',
      timeoutMs: 40_000,
      detail: server.output,
    });
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).to.equal(0);
    expect(server.output()).to.contain('stopping once started').and.contain('"msg":"stopped"');
    expectDatabaseReleased(varDir);
  });

  it("refuses a data folder that is not PostgreSQL's in one line while its modules load, changing nothing, and exits 1", async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'chronos-server-'));
    const dataDir = join(varDir, 'pgdata');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    const server = startEntryPoint(
      'src/server.ts',
      bareChildEnv({ PORT: String(await freePort()), VAR_DIR: varDir, WHOP_SANDBOX: 'off', LOG_LEVEL: 'warn' }),
    );
    expect(await server.exited).to.equal(1);
    const output = server.output().trim();
    expect(output.split('\n'), output).to.have.length(1);
    expect(output).to.match(/^chronos failed to start: .*is not a PostgreSQL data folder/);
    expect(readdirSync(dataDir)).to.deep.equal(['notes.txt']);
  });
});
