import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Sequelize } from 'sequelize';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

describe('embedded postgres', () => {
  const logger = pino({ level: 'silent' });

  it('keeps its data across a restart on the same data folder', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'chronos-pg-')), 'pgdata');
    const first = await startEmbeddedPostgres({ dataDir, logger });
    const a = new Sequelize(first.url, { logging: false });
    await a.query('CREATE TABLE kept (value text)');
    await a.query("INSERT INTO kept VALUES ('still here')");
    await a.close();
    await first.close();

    const second = await startEmbeddedPostgres({ dataDir, logger });
    const b = new Sequelize(second.url, { logging: false });
    const [rows] = await b.query('SELECT value FROM kept');
    await b.close();
    await second.close();
    expect(rows).to.deep.equal([{ value: 'still here' }]);
  });

  it('refuses a data folder that a running process holds, naming it', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'chronos-pg-')), 'pgdata');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dataDir}.lock`, String(process.ppid));
    let message = '';
    try {
      await startEmbeddedPostgres({ dataDir, logger });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain(`in use by process ${process.ppid}`);
  });

  it('serves several pooled connections and transactions through the one PGlite session', async () => {
    const embedded = await startEmbeddedPostgres({ logger });
    const sequelize = new Sequelize(embedded.url, { logging: false, pool: { max: 5 } });
    try {
      await sequelize.query('CREATE TABLE counter (n integer NOT NULL)');
      await sequelize.query('INSERT INTO counter VALUES (0)');
      await Promise.all(
        Array.from({ length: 20 }, () =>
          sequelize.transaction(async (transaction) => {
            await sequelize.query('SELECT n FROM counter FOR UPDATE', { transaction });
            await sequelize.query('UPDATE counter SET n = n + 1', { transaction });
          }),
        ),
      );
      const [rows] = await sequelize.query('SELECT n FROM counter');
      expect(rows).to.deep.equal([{ n: 20 }]);
    } finally {
      await sequelize.close();
      await embedded.close();
    }
  });
});
