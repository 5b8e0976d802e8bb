import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * The durable record of Chronos's Whop experiences (`exp_…`): which company each belongs to,
 * learnt when the app is installed on / connected to a company (Whop's
 * `GET /experiences?company_id&app_id`) or when an unknown experience is first opened (Whop's
 * `GET /experiences/{id}`). The embedded member view reads it before asking Whop.
 *
 * An experience never changes company on Whop, so a row's `company_id` is fixed once written:
 * a trigger refuses any UPDATE that changes it (a later, contradicting answer is refused and
 * logged by the app; the database refuses it too). The title and name may be refreshed.
 * No foreign key to `creators`: an experience can be recorded before its company is onboarded.
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE whop_experiences (
      experience_id text PRIMARY KEY CHECK (experience_id ~ '^exp_[A-Za-z0-9]{1,64}$'),
      company_id text NOT NULL CHECK (company_id ~ '^biz_[A-Za-z0-9_]{1,64}$'),
      company_title text NOT NULL CHECK (length(company_title) BETWEEN 1 AND 300),
      experience_name text CHECK (experience_name IS NULL OR length(experience_name) <= 300),
      source text NOT NULL CHECK (source IN ('install', 'lookup', 'webhook')),
      recorded_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX whop_experiences_company_idx ON whop_experiences (company_id);
    CREATE FUNCTION whop_experiences_company_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.company_id IS DISTINCT FROM OLD.company_id THEN
        RAISE EXCEPTION 'whop experience % belongs to %; it cannot be moved to %',
          OLD.experience_id, OLD.company_id, NEW.company_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER whop_experiences_company_is_fixed BEFORE UPDATE ON whop_experiences
      FOR EACH ROW EXECUTE FUNCTION whop_experiences_company_is_fixed();
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP TABLE whop_experiences;
    DROP FUNCTION whop_experiences_company_is_fixed();
  `);
}
