import { expect } from 'chai';
import { pino } from 'pino';
import { DatabaseError } from 'sequelize';
import { createSequelize, isDatabaseOutage } from '../../src/db/database.ts';
import { hotRead } from '../../src/db/hot-read.ts';
import { freePort } from '../support/free-port.ts';
import { testDatabase } from '../support/test-runtime.ts';

describe('hot reads (straight through the pg driver)', () => {
  it('returns the rows, with values bound as parameters (never read as SQL), the same on every run of a statement', async () => {
    const db = createSequelize((await testDatabase()).url, pino({ level: 'silent' }));
    try {
      const statement = { text: 'SELECT $1::integer + 1 AS n, $2::text AS s', values: [41, "it's'; DROP TABLE users --"] };
      for (let run = 0; run < 3; run += 1) {
        expect(await hotRead<{ n: number; s: string }>(db, statement)).to.deep.equal([{ n: 42, s: "it's'; DROP TABLE users --" }]);
      }
      expect(await hotRead(db, { text: 'SELECT $1::integer + 1 AS n, $2::text AS s', values: [1, 'other'] }), 'new values for the same statement').to.deep.equal([{ n: 2, s: 'other' }]);
    } finally {
      await db.close();
    }
  });

  it('reads through several pools of one database, also where their connections share one server session (the embedded database)', async () => {
    const url = (await testDatabase()).url;
    const pools = [0, 1, 2].map(() => createSequelize(url, pino({ level: 'silent' }), { poolMax: 2 }));
    try {
      const statement = (n: number) => ({ text: 'SELECT $1::integer * 2 AS doubled /* several pools */', values: [n] });
      for (let run = 0; run < 3; run += 1) {
        const answers = await Promise.all(pools.flatMap((db, i) => [hotRead(db, statement(i)), hotRead(db, statement(i + 10))]));
        expect(answers).to.deep.equal([0, 10, 1, 11, 2, 12].map((n) => [{ doubled: n * 2 }]));
      }
      // Many at once, each with its own value: every read gets its own answer, never another's.
      const many = Array.from({ length: 60 }, (_, n) => n);
      expect(await Promise.all(many.map((n) => hotRead(pools[n % pools.length]!, statement(n))))).to.deep.equal(many.map((n) => [{ doubled: n * 2 }]));
    } finally {
      await Promise.all(pools.map((db) => db.close()));
    }
  });

  it("reports a failing statement as Sequelize's DatabaseError (not an outage) and a refused connection as an outage", async () => {
    const db = createSequelize((await testDatabase()).url, pino({ level: 'silent' }));
    const nobody = createSequelize(`postgres://postgres@127.0.0.1:${await freePort()}/none`, pino({ level: 'silent' }));
    try {
      const broken = await hotRead(db, { text: 'SELECT * FROM no_such_table', values: [] }).catch((error: unknown) => error);
      expect(broken).to.be.instanceOf(DatabaseError);
      expect(isDatabaseOutage(broken)).to.equal(false);
      const refused = await hotRead(nobody, { text: 'SELECT 1', values: [] }).catch((error: unknown) => error);
      expect(isDatabaseOutage(refused)).to.equal(true);
      expect(await hotRead(db, { text: 'SELECT 1 AS ok', values: [] }), 'the connection went back to the pool in good order').to.deep.equal([{ ok: 1 }]);
    } finally {
      await db.close();
      await nobody.close();
    }
  });
});
