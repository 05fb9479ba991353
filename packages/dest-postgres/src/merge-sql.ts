import { qualify, quoteIdent, type TableName } from './identifiers';

/** The temporary table each flush copies into; dropped at COMMIT. */
export const STAGE_TABLE = '_sdc_stage';

/** What the merge step does with the staged rows. */
export interface MergePlan {
  target: TableName;
  /** Columns copied into the target (the staging table may also have the delete flag). */
  columns: readonly string[];
  /** Key columns; empty for append. */
  keys: readonly string[];
  /** `append` inserts every staged row; `upsert` replaces rows with the same key. */
  mode: 'append' | 'upsert';
  /** The target has a unique index on exactly the keys, so ON CONFLICT can be used. */
  uniqueIndex: boolean;
  /** The name of the staging column that marks CDC deletes, when there are any. */
  deleteFlag: string | undefined;
}

function keysMatch(keys: readonly string[]): string {
  return keys.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
}

/**
 * The statements that move the staged rows into the target, to run in the flush's transaction. Upsert uses
 * `INSERT ... ON CONFLICT DO UPDATE` when the target has a unique index on the keys, and otherwise (a table made
 * elsewhere, or keys that changed) deletes the rows with staged keys and inserts.
 *
 * @example
 * ```ts
 * mergeStatements({ target, columns: ['id', 'name'], keys: ['id'], mode: 'upsert', uniqueIndex: true, deleteFlag: undefined });
 * // ['INSERT INTO "public"."users" ("id", "name") SELECT "id", "name" FROM "_sdc_stage"
 * //   ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name"']
 * ```
 */
export function mergeStatements(plan: MergePlan): string[] {
  const target = qualify(plan.target.schema, plan.target.table);
  const stage = quoteIdent(STAGE_TABLE);
  const list = plan.columns.map(quoteIdent).join(', ');
  const statements: string[] = [];
  let insert = `INSERT INTO ${target} (${list}) SELECT ${list} FROM ${stage}`;
  if (plan.mode === 'append' || plan.keys.length === 0) {
    statements.push(insert);
    return statements;
  }
  const flag = plan.deleteFlag === undefined ? undefined : quoteIdent(plan.deleteFlag);
  if (plan.uniqueIndex) {
    if (flag !== undefined)
      statements.push(`DELETE FROM ${target} t USING ${stage} s WHERE s.${flag} AND ${keysMatch(plan.keys)}`);
  } else {
    statements.push(`DELETE FROM ${target} t USING ${stage} s WHERE ${keysMatch(plan.keys)}`);
  }
  if (flag !== undefined) insert += ` WHERE NOT ${flag}`;
  if (plan.uniqueIndex) {
    const keySet = new Set(plan.keys);
    const updates = plan.columns
      .filter((c) => !keySet.has(c))
      .map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`);
    const conflict = `ON CONFLICT (${plan.keys.map(quoteIdent).join(', ')})`;
    insert +=
      updates.length > 0 ? ` ${conflict} DO UPDATE SET ${updates.join(', ')}` : ` ${conflict} DO NOTHING`;
  }
  statements.push(insert);
  return statements;
}
