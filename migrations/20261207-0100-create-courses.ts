import type { MigrationContext } from '../src/db/migrator.ts';

/**
 * The course builder. A creator's `courses` hold ordered `course_modules`, which hold ordered
 * `course_lessons`; a lesson is one of the creator's videos plus optional text.
 *
 * - Titles are 1 to 120 characters without control characters; a lesson's text at most 10,000
 *   characters (line breaks and tabs allowed, other control characters not).
 * - Positions are unique per course (modules) and per module (lessons). The constraints are
 *   DEFERRABLE so a reorder renumbers every row in one transaction and is checked at commit.
 * - `version` grows with every change to a course: a form carries the version it was drawn
 *   from, and a change from a stale tab is refused instead of applied to an order it never saw.
 * - `all_products`: every product of the creator opens the course; otherwise only the products
 *   listed in `course_products`.
 * - A deleted video leaves its lessons in place with `video_id` NULL ("video removed").
 */
export async function up({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE courses (
      id serial PRIMARY KEY,
      creator_id integer NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120 AND title !~ '[[:cntrl:]]'),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
      all_products boolean NOT NULL DEFAULT true,
      version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      published_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX courses_creator_idx ON courses (creator_id, id);

    CREATE TABLE course_products (
      course_id integer NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
      whop_product_id text NOT NULL CHECK (whop_product_id ~ '^prod_[A-Za-z0-9_]{1,100}$'),
      PRIMARY KEY (course_id, whop_product_id)
    );

    CREATE TABLE course_modules (
      id serial PRIMARY KEY,
      course_id integer NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120 AND title !~ '[[:cntrl:]]'),
      position integer NOT NULL CHECK (position >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT course_modules_position_key UNIQUE (course_id, position) DEFERRABLE INITIALLY IMMEDIATE
    );

    CREATE TABLE course_lessons (
      id serial PRIMARY KEY,
      module_id integer NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
      video_id integer REFERENCES videos (id) ON DELETE SET NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120 AND title !~ '[[:cntrl:]]'),
      body text NOT NULL DEFAULT '' CHECK (length(body) <= 10000 AND body !~ '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]'),
      position integer NOT NULL CHECK (position >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT course_lessons_position_key UNIQUE (module_id, position) DEFERRABLE INITIALLY IMMEDIATE
    );
    CREATE INDEX course_lessons_video_idx ON course_lessons (video_id);
  `);
}

export async function down({ context }: { context: MigrationContext }): Promise<void> {
  await context.sequelize.query(`
    DROP TABLE course_lessons;
    DROP TABLE course_modules;
    DROP TABLE course_products;
    DROP TABLE courses;
  `);
}
