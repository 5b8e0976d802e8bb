import { expect } from 'chai';
import { pino } from 'pino';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/database.ts';
import { createMigrator } from '../../src/db/migrator.ts';
import { scratchDatabase, type TestDatabase } from '../support/test-database.ts';

const SPEC_TABLES = [
  'ai_credit_days',
  'api_tokens',
  'course_lessons',
  'course_modules',
  'course_products',
  'courses',
  'creator_branding',
  'creators',
  'dispute_alerts',
  'disputes',
  'email_outbox',
  'payments',
  'plan_invoices',
  'plan_memberships',
  'reconciliation_runs',
  'refunds',
  'student_memberships',
  'students',
  'usage_metrics',
  'users',
  'videos',
  'watch_progress',
  'webhook_events',
  'whop_experiences',
];

async function tables(sequelize: Sequelize): Promise<string[]> {
  const [rows] = await sequelize.query(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY tablename",
  );
  return (rows as { tablename: string }[]).map((r) => r.tablename);
}

describe('migrations', () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  const logger = pino({ level: 'silent' });

  before(async () => {
    db = await scratchDatabase();
    sequelize = createSequelize(db.url, logger);
  });

  after(async () => {
    await sequelize.close();
    await db.drop();
  });

  it('create every table of the data model, go all the way down, and up again', async () => {
    const migrator = createMigrator(sequelize, logger);
    const applied = await migrator.up();
    expect(applied.length).to.be.greaterThan(0);
    expect(await tables(sequelize)).to.deep.equal(SPEC_TABLES);
    expect(await migrator.pending()).to.have.length(0);

    await migrator.down({ to: 0 });
    expect(await tables(sequelize)).to.deep.equal([]);
    expect(await migrator.executed()).to.have.length(0);

    await migrator.up();
    expect(await tables(sequelize)).to.deep.equal(SPEC_TABLES);
  });

  it('record names without file extensions, so .ts and compiled .js share one history', async () => {
    const [rows] = await sequelize.query('SELECT name FROM schema_migrations ORDER BY name');
    const names = (rows as { name: string }[]).map((r) => r.name);
    expect(names.length).to.be.greaterThan(0);
    for (const name of names) expect(name).not.to.match(/\.(ts|js)$/);
  });

  it('is a no-op when everything is applied', async () => {
    expect(await createMigrator(sequelize, logger).up()).to.deep.equal([]);
  });
});
