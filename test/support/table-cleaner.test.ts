/**
 * The table cleaner nearly every integration test starts with: it must leave the database as
 * `TRUNCATE … RESTART IDENTITY CASCADE` would (the statement it replaces), on this schema as
 * migrated, so no test sees another's rows or ids.
 */
import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { startTestApp, type TestApp } from './test-runtime.ts';
import { CLEANED_TABLES, cascadeOrder, cleanTables, cleaningPlan } from './table-cleaner.ts';
import { makeFactories } from './factories.ts';
import { insertVideo } from './videos.ts';

/** The storage file of every table and sequence of the schema (TRUNCATE and RESTART IDENTITY give each a new one). */
async function storageFiles(sequelize: Sequelize, transaction: unknown): Promise<Map<string, string>> {
  const rows = await sequelize.query<{ name: string; kind: string; file: string }>(
    `SELECT oid::regclass::text AS name, relkind AS kind, pg_relation_filenode(oid)::text AS file
       FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S')`,
    { type: QueryTypes.SELECT, transaction: transaction as never },
  );
  return new Map(rows.map((row) => [`${row.kind}:${row.name}`, row.file]));
}

describe('table cleaner (test support)', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('empties exactly the tables TRUNCATE … CASCADE empties, and restarts exactly the sequences RESTART IDENTITY restarts', async () => {
    const { sequelize } = t.runtime.deps;
    const transaction = await sequelize.transaction();
    let truncated: string[];
    try {
      const before = await storageFiles(sequelize, transaction);
      await sequelize.query(`TRUNCATE ${CLEANED_TABLES.join(', ')} RESTART IDENTITY CASCADE`, { transaction });
      const after = await storageFiles(sequelize, transaction);
      truncated = [...after].filter(([name, file]) => before.get(name) !== file).map(([name]) => name);
    } finally {
      await transaction.rollback();
    }
    const plan = await cleaningPlan(sequelize);
    expect([...plan.tables.map((name) => `r:${name}`), ...plan.sequences.map(({ sequence }) => `S:${sequence}`)].sort())
      .to.deep.equal(truncated.sort())
      .and.to.include.members(['r:creators', 'r:courses', 'r:api_tokens', 'S:users_id_seq']);
  });

  it('leaves no row behind, children or parents, and ids start again', async () => {
    const { sequelize, models } = t.runtime.deps;
    await cleanTables(sequelize);
    const factories = makeFactories(models);
    const creator = await factories.creator();
    await insertVideo(sequelize, creator.id);
    await sequelize.query(`INSERT INTO courses (creator_id, title) VALUES (${creator.id}, 'Course')`);
    expect(creator.ownerUserId).to.equal(1);

    await cleanTables(sequelize);
    const { tables } = await cleaningPlan(sequelize);
    for (const table of tables) {
      const [row] = await sequelize.query<{ rows: string }>(`SELECT count(*) AS rows FROM ${table}`, {
        type: QueryTypes.SELECT,
      });
      expect(Number(row!.rows), table).to.equal(0);
    }
    expect((await factories.creator()).ownerUserId, 'the users sequence starts again').to.equal(1);
    await cleanTables(sequelize);
  });

  it('orders children before their parents, follows references transitively, and refuses a cycle', () => {
    const keys = [
      { child: 'lessons', parent: 'modules' },
      { child: 'modules', parent: 'courses' },
      { child: 'courses', parent: 'creators' },
      { child: 'creators', parent: 'creators' },
      { child: 'creators', parent: 'users' },
    ];
    const order = cascadeOrder(['creators', 'notes'], keys);
    expect(order).to.have.members(['lessons', 'modules', 'courses', 'creators', 'notes']);
    expect(order.indexOf('lessons')).to.be.below(order.indexOf('modules'));
    expect(order.indexOf('modules')).to.be.below(order.indexOf('courses'));
    expect(order.indexOf('courses')).to.be.below(order.indexOf('creators'));
    expect(() =>
      cascadeOrder(
        ['a'],
        [
          { child: 'a', parent: 'b' },
          { child: 'b', parent: 'a' },
        ],
      ),
    ).to.throw(/cycle/);
  });
});
