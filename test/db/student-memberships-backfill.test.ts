/**
 * The migration that gives students their memberships (20261209-0101) copies each student's one
 * stored membership into `student_memberships`, granting access exactly when the student had
 * it (`active` or `over_limit`), so nobody gains or loses a video on the day it runs.
 */
import { expect } from 'chai';
import { pino } from 'pino';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/database.ts';
import { createMigrator } from '../../src/db/migrator.ts';
import { scratchDatabase, type TestDatabase } from '../support/test-database.ts';

const BEFORE = '20261208-0301-students-seat-order';

describe('migration: student memberships backfilled from the students columns', () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  const logger = pino({ level: 'silent' });
  const sql = <T extends object>(query: string) => sequelize.query<T>(query, { type: QueryTypes.SELECT });

  before(async () => {
    db = await scratchDatabase();
    sequelize = createSequelize(db.url, logger);
  });
  after(async () => {
    await sequelize.close();
    await db.drop();
  });

  it('copies every student’s membership, its product, status, times, grace end and manage page', async () => {
    const migrator = createMigrator(sequelize, logger);
    await migrator.up({ to: BEFORE });
    await sql(`INSERT INTO users (whop_user_id, username) VALUES ('user_owner', 'owner') RETURNING 1`);
    await sql(
      `INSERT INTO creators (whop_company_id, owner_user_id, tier)
       SELECT 'biz_backfill', id, 'pro' FROM users RETURNING 1`,
    );
    await sql(`
      INSERT INTO students (creator_id, whop_user_id, whop_membership_id, whop_product_id, status, membership_status,
                            membership_updated_at, joined_at, grace_ends_at, manage_url)
      SELECT c.id, v.user_id, v.mem, v.product, v.status, v.mstatus, v.updated::timestamptz, '2026-11-01T00:00:00Z',
             v.grace::timestamptz, v.url
        FROM creators c, (VALUES
          ('user_on', 'mem_on', 'prod_a', 'active', 'active', '2026-12-01T00:00:00Z', NULL, 'https://whop.com/m/on'),
          ('user_late', 'mem_late', 'prod_b', 'active', 'past_due', '2026-12-02T00:00:00Z', '2026-12-05T00:00:00Z', NULL),
          ('user_wait', 'mem_wait', 'prod_a', 'over_limit', 'active', '2026-12-03T00:00:00Z', NULL, NULL),
          ('user_off', 'mem_off', 'prod_b', 'inactive', 'canceled', '2026-12-04T00:00:00Z', NULL, 'https://whop.com/m/off'),
          ('user_gone', 'mem_gone', 'prod_a', 'archived', 'canceled', '2026-12-04T00:00:00Z', NULL, NULL),
          ('user_none', NULL, NULL, 'inactive', NULL, NULL, NULL, NULL)
        ) AS v(user_id, mem, product, status, mstatus, updated, grace, url)
      RETURNING 1`);
    await migrator.up();
    const rows = await sql<Record<string, unknown>>(`
      SELECT s.whop_user_id, sm.whop_membership_id, sm.whop_product_id, sm.membership_status, sm.grants_access,
             sm.membership_updated_at = s.membership_updated_at AS same_time, sm.membership_created_at = s.joined_at AS same_join,
             sm.grace_ends_at IS NOT DISTINCT FROM s.grace_ends_at AS same_grace, sm.manage_url
        FROM student_memberships sm JOIN students s ON s.id = sm.student_id ORDER BY sm.whop_membership_id`);
    const flags = { same_time: true, same_join: true, same_grace: true };
    expect(rows).to.deep.equal([
      {
        whop_user_id: 'user_gone',
        whop_membership_id: 'mem_gone',
        whop_product_id: 'prod_a',
        membership_status: 'canceled',
        grants_access: false,
        manage_url: null,
        ...flags,
      },
      {
        whop_user_id: 'user_late',
        whop_membership_id: 'mem_late',
        whop_product_id: 'prod_b',
        membership_status: 'past_due',
        grants_access: true,
        manage_url: null,
        ...flags,
      },
      {
        whop_user_id: 'user_off',
        whop_membership_id: 'mem_off',
        whop_product_id: 'prod_b',
        membership_status: 'canceled',
        grants_access: false,
        manage_url: 'https://whop.com/m/off',
        ...flags,
      },
      {
        whop_user_id: 'user_on',
        whop_membership_id: 'mem_on',
        whop_product_id: 'prod_a',
        membership_status: 'active',
        grants_access: true,
        manage_url: 'https://whop.com/m/on',
        ...flags,
      },
      {
        whop_user_id: 'user_wait',
        whop_membership_id: 'mem_wait',
        whop_product_id: 'prod_a',
        membership_status: 'active',
        grants_access: true,
        manage_url: null,
        ...flags,
      },
    ]);
    // Deleting a student deletes their memberships.
    await sql(`DELETE FROM students WHERE whop_user_id = 'user_on' RETURNING 1`);
    expect(await sql(`SELECT 1 FROM student_memberships WHERE whop_membership_id = 'mem_on'`)).to.have.length(0);
  });
});
