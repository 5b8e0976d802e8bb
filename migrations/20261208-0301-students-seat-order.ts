import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * The seat rule reads a creator's students with access in join order and stops at the tier's
 * limit (src/services/students/seat-assignment.ts): this index is that order, so finding the
 * seat holders walks `limit` entries, however many students wait behind them.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE INDEX students_seat_order_idx ON students (creator_id, joined_at, whop_membership_id COLLATE "C", id)
      WHERE status IN ('active', 'over_limit');
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP INDEX students_seat_order_idx;');
}
