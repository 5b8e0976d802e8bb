/**
 * Order inside a course: modules by `position` per course, lessons by `position` per module,
 * each numbered 1..n. The unique position constraints are DEFERRABLE: a reorder defers them,
 * writes every row's new number and is checked once, at commit. Callers hold the course's row
 * lock (course-editor.ts), so two reorders of one course never interleave.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export type MoveDirection = 'up' | 'down';

/** The ids in their new order after moving `id` one step, or null when it already is at that edge. */
export function stepped(ids: number[], id: number, direction: MoveDirection): number[] | null {
  const index = ids.indexOf(id);
  const other = direction === 'up' ? index - 1 : index + 1;
  if (index < 0 || other < 0 || other >= ids.length) return null;
  const next = [...ids];
  [next[index], next[other]] = [next[other]!, next[index]!];
  return next;
}

type Level = { table: 'course_modules'; parent: 'course_id' } | { table: 'course_lessons'; parent: 'module_id' };

export const MODULES: Level = { table: 'course_modules', parent: 'course_id' };
export const LESSONS: Level = { table: 'course_lessons', parent: 'module_id' };

export function coursePositions(sequelize: Sequelize) {
  return {
    /** The ids under `parentId` in their order. */
    async ordered(level: Level, parentId: number, transaction: Transaction): Promise<number[]> {
      const rows = await sequelize.query<{ id: number }>(
        `SELECT id FROM ${level.table} WHERE ${level.parent} = :parentId ORDER BY position, id`,
        { replacements: { parentId }, type: QueryTypes.SELECT, transaction },
      );
      return rows.map((r) => r.id);
    },

    /** The position after the last one under `parentId`. */
    async next(level: Level, parentId: number, transaction: Transaction): Promise<number> {
      const [row] = await sequelize.query<{ next: number }>(
        `SELECT coalesce(max(position), 0) + 1 AS next FROM ${level.table} WHERE ${level.parent} = :parentId`,
        { replacements: { parentId }, type: QueryTypes.SELECT, transaction },
      );
      return Number(row!.next);
    },

    /** Numbers `ids` (all rows under `parentId`) 1..n in the given order, in one statement. */
    async renumber(level: Level, parentId: number, ids: number[], transaction: Transaction): Promise<void> {
      if (ids.length === 0) return;
      await sequelize.query(`SET CONSTRAINTS ${level.table}_position_key DEFERRED`, { transaction });
      await sequelize.query(
        `UPDATE ${level.table} t SET position = ordered.n, updated_at = now()
           FROM unnest(ARRAY[:ids]::integer[]) WITH ORDINALITY AS ordered(id, n)
          WHERE t.id = ordered.id AND t.${level.parent} = :parentId AND t.position IS DISTINCT FROM ordered.n`,
        { replacements: { ids, parentId }, transaction },
      );
    },
  };
}
