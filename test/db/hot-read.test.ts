import { expect } from 'chai';
import { pino } from 'pino';
import { DatabaseError } from 'sequelize';
import { createSequelize, isDatabaseOutage } from '../../src/db/database.ts';
import { hotRead, sqlInteger, sqlString } from '../../src/db/hot-read.ts';
import { freePort } from '../support/free-port.ts';
import { testDatabase } from '../support/test-runtime.ts';

describe('hot reads (straight through the pg driver)', () => {
  it('returns the rows, with values inlined only as checked integers or quoted strings', async () => {
    const db = createSequelize((await testDatabase()).url, pino({ level: 'silent' }));
    try {
      const rows = await hotRead<{ n: number; s: string }>(db, `SELECT ${sqlInteger(41)} + 1 AS n, ${sqlString(db, "it's; DROP TABLE users --")} AS s`);
      expect(rows).to.deep.equal([{ n: 42, s: "it's; DROP TABLE users --" }]);
    } finally {
      await db.close();
    }
  });

  it('refuses to inline anything but a safe integer', () => {
    for (const bad of [1.5, Number.NaN, Infinity, 2 ** 60, '1; DROP TABLE users' as unknown as number]) {
      expect(() => sqlInteger(bad), String(bad)).to.throw(TypeError);
    }
  });

  it("reports a failing statement as Sequelize's DatabaseError (not an outage) and a refused connection as an outage", async () => {
    const db = createSequelize((await testDatabase()).url, pino({ level: 'silent' }));
    const nobody = createSequelize(`postgres://postgres@127.0.0.1:${await freePort()}/none`, pino({ level: 'silent' }));
    try {
      const broken = await hotRead(db, 'SELECT * FROM no_such_table').catch((error: unknown) => error);
      expect(broken).to.be.instanceOf(DatabaseError);
      expect(isDatabaseOutage(broken)).to.equal(false);
      const refused = await hotRead(nobody, 'SELECT 1').catch((error: unknown) => error);
      expect(isDatabaseOutage(refused)).to.equal(true);
      expect(await hotRead(db, 'SELECT 1 AS ok'), 'the connection went back to the pool in good order').to.deep.equal([{ ok: 1 }]);
    } finally {
      await db.close();
      await nobody.close();
    }
  });
});
