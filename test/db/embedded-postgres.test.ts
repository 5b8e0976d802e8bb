import { expect } from 'chai';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import pg from 'pg';
import { startEmbeddedPostgres, EmbeddedDatabaseError, type EmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { findPostgresBinaries } from '../../src/db/postgres-binaries.ts';
import { runningServerPid } from '../../src/db/embedded-postgres-files.ts';
import { startEntryPoint } from '../support/child-process.ts';
import { bareChildEnv } from '../support/test-env.ts';

const logger = pino({ level: 'silent' });
const PASSWORD = 'embedded-test-password';
const isRoot = process.getuid?.() === 0;

/** `<tmp>/chronos-pg-…/var/pgdata`, as a checkout's `var/pgdata` (the checkout's folder open to others, as usual). */
function newDataDir(): string {
  const checkout = mkdtempSync(join(tmpdir(), 'chronos-pg-'));
  chmodSync(checkout, 0o755);
  return join(checkout, 'var', 'pgdata');
}

async function query<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

async function startError(dataDir: string): Promise<Error> {
  try {
    const embedded = await startEmbeddedPostgres({ dataDir, password: PASSWORD, database: 'chronos', logger });
    await embedded.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the embedded database started');
}

describe('embedded postgres (a real PostgreSQL server from npm)', function () {
  this.timeout(60_000);

  describe('one server on a new data folder', () => {
    let dataDir: string;
    let embedded: EmbeddedPostgres;
    before(async () => {
      dataDir = newDataDir();
      embedded = await startEmbeddedPostgres({ dataDir, password: PASSWORD, database: 'chronos', logger });
    });
    after(() => embedded?.close());

    it('keeps its folders private: the data folder 0700, its parent 0700 (0710 for the postgres group when run as root)', () => {
      expect(statSync(dataDir).mode & 0o777).to.equal(0o700);
      expect(statSync(join(dataDir, '..')).mode & 0o777).to.equal(isRoot ? 0o710 : 0o700);
      expect(statSync(`${dataDir}.log`).mode & 0o777).to.equal(0o600);
    });

    it('accepts only its password, never trust, and listens on loopback only', async () => {
      const wrong = embedded.url.replace(encodeURIComponent(PASSWORD), 'not-the-password');
      const refused = await query(wrong, 'SELECT 1').catch((error: { code?: string }) => error.code);
      expect(refused).to.equal('28P01');
      const [settings] = await query<{ listen: string; sockets: string; trusted: number }>(
        embedded.url,
        "SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets, (SELECT count(*)::int FROM pg_hba_file_rules WHERE auth_method = 'trust') AS trusted",
      );
      expect(settings).to.deep.equal({ listen: '127.0.0.1', sockets: '', trusted: 0 });
      expect(new URL(embedded.url).hostname).to.equal('127.0.0.1');
    });

    it('is a real server: rows locked by one connection are skipped by another, and advisory locks exclude', async () => {
      const [a, b] = [
        new pg.Client({ connectionString: embedded.url }),
        new pg.Client({ connectionString: embedded.url }),
      ];
      await Promise.all([a.connect(), b.connect()]);
      try {
        await a.query('CREATE TABLE jobs (id integer PRIMARY KEY); INSERT INTO jobs SELECT generate_series(1, 10)');
        await a.query('BEGIN');
        await b.query('BEGIN');
        const first = (
          await a.query<{ id: number }>('SELECT id FROM jobs ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED')
        ).rows.map((row) => row.id);
        const second = (
          await b.query<{ id: number }>('SELECT id FROM jobs ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED')
        ).rows.map((row) => row.id);
        expect(first).to.deep.equal([1, 2, 3, 4, 5]);
        expect(second).to.deep.equal([6, 7, 8, 9, 10]);
        await Promise.all([a.query('COMMIT'), b.query('COMMIT')]);
        expect((await a.query('SELECT pg_try_advisory_lock(42) AS got')).rows).to.deep.equal([{ got: true }]);
        expect((await b.query('SELECT pg_try_advisory_lock(42) AS got')).rows).to.deep.equal([{ got: false }]);
      } finally {
        await Promise.all([a.end(), b.end()]);
      }
    });

    it('refuses the same data folder to a second owner while the first holds it, naming the holder', async () => {
      const error = await startError(dataDir);
      expect(error).to.be.instanceOf(EmbeddedDatabaseError);
      expect(error.message).to.contain(`in use by process ${process.pid}`);
    });
  });

  it('keeps its data across a restart, and stops its server on close', async () => {
    const dataDir = newDataDir();
    const first = await startEmbeddedPostgres({ dataDir, password: PASSWORD, database: 'chronos', logger });
    await query(first.url, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");
    await first.close();
    expect(runningServerPid(dataDir)).to.equal(undefined);

    const second = await startEmbeddedPostgres({ dataDir, password: PASSWORD, database: 'chronos', logger });
    try {
      expect(await query(second.url, 'SELECT value FROM kept')).to.deep.equal([{ value: 'still here' }]);
    } finally {
      await second.close();
    }
  });

  it('stops the server a killed process left running, and starts again with its data intact', async () => {
    const dataDir = newDataDir();
    const holder = startEntryPoint('test/db/fixtures/embedded-holder.ts', bareChildEnv({}), [dataDir, PASSWORD]);
    await new Promise<void>((resolve, reject) => {
      holder.child.stdout?.on('data', () => holder.output().includes('ready') && resolve());
      holder.child.once('exit', () => reject(new Error(`the holder exited: ${holder.output()}`)));
    });
    holder.child.kill('SIGKILL');
    await holder.exited;
    const orphan = runningServerPid(dataDir);
    expect(orphan, 'the killed process left its server running').to.be.a('number');

    const again = await startEmbeddedPostgres({ dataDir, password: PASSWORD, database: 'chronos', logger });
    try {
      expect(await query(again.url, 'SELECT value FROM kept')).to.deep.equal([{ value: 'written before the kill' }]);
      expect(runningServerPid(dataDir)).to.not.equal(orphan);
    } finally {
      await again.close();
    }
  });

  it('refuses a folder that is not a PostgreSQL data folder, with one line saying what to do, and changes nothing', async () => {
    const dataDir = newDataDir();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    const error = await startError(dataDir);
    expect(error).to.be.instanceOf(EmbeddedDatabaseError);
    expect(error.message)
      .to.contain('is not a PostgreSQL data folder')
      .and.contain('DATABASE_URL')
      .and.not.contain('\n');
    expect(readdirSync(dataDir)).to.deep.equal(['notes.txt']);
  });

  it('refuses the data folder of another PostgreSQL version, changing nothing', async () => {
    const dataDir = newDataDir();
    mkdirSync(join(dataDir, 'base'), { recursive: true });
    writeFileSync(join(dataDir, 'PG_VERSION'), '17\n');
    const error = await startError(dataDir);
    expect(error.message).to.contain('holds PostgreSQL 17 data').and.contain('PostgreSQL 18');
    expect(readdirSync(dataDir).sort()).to.deep.equal(['PG_VERSION', 'base']);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).to.equal(false);
  });

  it("refuses a PostgreSQL data folder it did not create (an earlier Chronos's PGlite database), changing nothing", async () => {
    const dataDir = newDataDir();
    mkdirSync(join(dataDir, 'base'), { recursive: true });
    writeFileSync(join(dataDir, 'PG_VERSION'), '18\n');
    writeFileSync(join(dataDir, 'postgresql.conf'), 'shared_buffers = 128MB\n');
    const error = await startError(dataDir);
    expect(error.message).to.contain('holds a database this server did not create').and.contain('PGlite');
    expect(readdirSync(dataDir).sort()).to.deep.equal(['PG_VERSION', 'base', 'postgresql.conf']);
    expect(readFileSync(join(dataDir, 'postgresql.conf'), 'utf8')).to.equal('shared_buffers = 128MB\n');
  });

  it('names the missing platform package and the way out when this machine has no binaries', async () => {
    const error = await findPostgresBinaries('@embedded-postgres/plan9-x64').catch((caught: Error) => caught);
    expect(error).to.be.instanceOf(EmbeddedDatabaseError);
    expect((error as Error).message)
      .to.contain('@embedded-postgres/plan9-x64 is not installed')
      .and.contain('set DATABASE_URL');
  });
});
