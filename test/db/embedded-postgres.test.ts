import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Sequelize } from 'sequelize';
import pg from 'pg';
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

  it('keeps each connection\'s extended-protocol statements whole when many connections send them at once', async () => {
    const embedded = await startEmbeddedPostgres({ logger, dataDir: join(mkdtempSync(join(tmpdir(), 'chronos-pg-')), 'pgdata') });
    const clients = Array.from({ length: 8 }, () => new pg.Client({ connectionString: embedded.url }));
    try {
      await Promise.all(clients.map((client) => client.connect()));
      await clients[0]!.query('CREATE TABLE marks (connection integer NOT NULL, n integer NOT NULL, tag text NOT NULL)');
      // Each connection has statements of its own shape; an interleaved Bind would meet another's statement.
      await Promise.all(
        clients.map(async (client, c) => {
          for (let i = 0; i < 25; i += 1) {
            // Every other connection sends statements too large for one TCP read (split messages).
            const tag = `c${c}-${i}${c % 2 ? '' : '-'.repeat(300_000)}`;
            const inserted = await client.query({ text: `INSERT INTO marks (connection, n, tag) VALUES (${c}, $1::integer * ${c + 2}, $2) RETURNING n, length(tag) AS tag${c}`, values: [i, tag] });
            expect(inserted.rows).to.deep.equal([{ n: i * (c + 2), [`tag${c}`]: tag.length }]);
            const read = await client.query({ text: `SELECT count(*)::integer AS mine${c} FROM marks WHERE connection = $1`, values: [c] });
            expect(read.rows).to.deep.equal([{ [`mine${c}`]: i + 1 }]);
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await embedded.close();
    }
  });
});
