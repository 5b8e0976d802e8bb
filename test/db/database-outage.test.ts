import { expect } from 'chai';
import { pino } from 'pino';
import { createSequelize, isDatabaseOutage } from '../../src/db/database.ts';
import { freePort } from '../support/free-port.ts';
import { testDatabase } from '../support/test-runtime.ts';

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the query to fail');
}

describe('telling a database outage from a bug', () => {
  it('counts a refused connection as an outage', async () => {
    const nobody = createSequelize(`postgres://postgres@127.0.0.1:${await freePort()}/none`, pino({ level: 'silent' }));
    try {
      expect(isDatabaseOutage(await errorOf(() => nobody.query('SELECT 1')))).to.equal(true);
    } finally {
      await nobody.close();
    }
  });

  it('counts a server shutting down under a query (SQLSTATE 57P01) as an outage', async () => {
    const db = createSequelize((await testDatabase()).url, pino({ level: 'silent' }));
    try {
      // The same error a restarting server sends to its clients, raised by the server itself.
      const error = await errorOf(() =>
        db.query(
          `DO $$ BEGIN RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01'; END $$`,
        ),
      );
      expect(isDatabaseOutage(error)).to.equal(true);
    } finally {
      await db.close();
    }
  });

  it('does not count a broken query or a missing table as an outage', async () => {
    const db = createSequelize((await testDatabase()).url, pino({ level: 'silent' }));
    try {
      expect(isDatabaseOutage(await errorOf(() => db.query('SELECT * FROM no_such_table')))).to.equal(false);
      expect(isDatabaseOutage(await errorOf(() => db.query('SELEC 1')))).to.equal(false);
      expect(isDatabaseOutage(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).to.equal(false);
    } finally {
      await db.close();
    }
  });
});
