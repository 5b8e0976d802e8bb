import { expect } from 'chai';
import { DatabaseError } from 'sequelize';
import { createPreparedReads, preparedStatement, type PreparedReads } from '../../src/db/prepared-reads.ts';
import { testDatabase } from '../support/test-runtime.ts';

describe('prepared reads (named statements on a pg pool of their own)', () => {
  let reads: PreparedReads;
  before(async () => {
    reads = createPreparedReads((await testDatabase()).url, { max: 2 });
  });
  after(() => reads.close());

  it('runs a named statement again and again with other values, each on the plan PostgreSQL prepared', async () => {
    const doubled = preparedStatement('test_doubled', 'SELECT $1::integer * 2 AS n');
    for (const n of [1, 2, 3, 4]) expect(await reads.read(doubled, [n])).to.deep.equal([{ n: n * 2 }]);
  });

  it('refuses one name for two different texts, which PostgreSQL would confuse', () => {
    preparedStatement('test_named_once', 'SELECT 1');
    expect(() => preparedStatement('test_named_once', 'SELECT 2')).to.throw('defined twice');
  });

  it("reports the server's own error as Sequelize's DatabaseError with its SQLSTATE, not as an outage", async () => {
    const failing = preparedStatement('test_division', 'SELECT 1 / $1::integer AS n');
    const error = await reads.read(failing, [0]).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(DatabaseError);
    expect((error as DatabaseError & { original: { code?: string } }).original.code).to.equal('22012');
  });
});
