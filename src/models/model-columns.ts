/**
 * For hand-written SQL that reads several tables in one statement: the SELECT list of a model's
 * columns under a prefix (`"u"."last_login_at" AS "user.lastLoginAt"`), and the instance built
 * back from those columns of a row. The pg driver has already parsed dates and numbers.
 */
import type { Model, ModelStatic } from 'sequelize';

export function selectColumns(model: ModelStatic<Model>, tableAlias: string, prefix: string): string {
  return Object.entries(model.getAttributes())
    .map(([attribute, definition]) => `"${tableAlias}"."${definition.field ?? attribute}" AS "${prefix}.${attribute}"`)
    .join(', ');
}

/** The instance whose columns `row` holds under `prefix`, or null when the row has none (an outer join's miss). */
export function buildFromColumns<M extends Model>(
  model: ModelStatic<M>,
  row: Record<string, unknown>,
  prefix: string,
): M | null {
  const values: Record<string, unknown> = {};
  for (const attribute of Object.keys(model.getAttributes())) values[attribute] = row[`${prefix}.${attribute}`];
  if (values.id === null || values.id === undefined) return null;
  return model.build(values as never, { isNewRecord: false, raw: true });
}
