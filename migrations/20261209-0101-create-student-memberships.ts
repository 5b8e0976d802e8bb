import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * Every membership a student holds of their creator's products, one row each (issue 17): a
 * member holding products A and B watches the courses of both, and keeps access while either
 * grants it. `grants_access` is what the student service decided with its clock when it stored
 * the row (a granting status, or `past_due` within its grace period) and what the grace period
 * job clears; the product rule asks it through `student_memberships_granting_idx`.
 *
 * The `students` columns of one membership stay as a summary of the leading membership
 * (src/services/students/student-memberships.ts). The backfill copies that one membership of
 * every student: it is all Chronos knew.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE student_memberships (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      student_id integer NOT NULL REFERENCES students(id) ON DELETE CASCADE,
      whop_membership_id text NOT NULL CONSTRAINT student_memberships_whop_membership_id_key UNIQUE,
      whop_product_id text,
      membership_status text NOT NULL,
      membership_updated_at timestamptz NOT NULL,
      membership_created_at timestamptz,
      grace_ends_at timestamptz,
      grants_access boolean NOT NULL,
      manage_url text CHECK (manage_url ~ '^https?://' AND length(manage_url) <= 2048),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX student_memberships_student_idx ON student_memberships (student_id);
    CREATE INDEX student_memberships_granting_idx ON student_memberships (student_id, whop_product_id) WHERE grants_access;
    CREATE INDEX student_memberships_grace_idx ON student_memberships (grace_ends_at) WHERE grants_access AND grace_ends_at IS NOT NULL;
    INSERT INTO student_memberships (student_id, whop_membership_id, whop_product_id, membership_status, membership_updated_at,
                                     membership_created_at, grace_ends_at, grants_access, manage_url)
    SELECT id, whop_membership_id, whop_product_id, coalesce(membership_status, 'unknown'), coalesce(membership_updated_at, updated_at),
           joined_at, grace_ends_at, status IN ('active', 'over_limit'), manage_url
      FROM students
     WHERE whop_membership_id IS NOT NULL
    ON CONFLICT (whop_membership_id) DO NOTHING;
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query('DROP TABLE student_memberships;');
}
