import {
  keyOnlyFillStatements as fillFromBatchAndTable,
  type KeyOnlyFill as SdkKeyOnlyFill,
} from '@singer-dest/sdk';
import { qualify, quoteIdent, type TableName } from './identifiers';

/** The temporary table each flush copies into; dropped at COMMIT. */
export const STAGE_TABLE = '_sdc_stage';

/** What the merge step does with the staged rows. */
export interface MergePlan {
  target: TableName;
  /** Target columns filled from the staging table of the same name. */
  columns: readonly string[];
  /** A target column filled with the parameter `$1` for every row (`_sdc_batched_at`), if any. */
  parameterColumn: string | undefined;
  /** Key columns; empty for append. */
  keys: readonly string[];
  /** `append` inserts every staged row; `upsert` keeps the last staged row per key and replaces by key. */
  mode: 'append' | 'upsert';
  /** The target has a unique index on exactly the keys, so ON CONFLICT can be used. */
  uniqueIndex: boolean;
  /** Upsert: the staging column holding the input line (later line wins). */
  rowColumn: string | undefined;
  /** Upsert with hard_delete: the staging column that marks CDC deletes. */
  deleteFlag: string | undefined;
  /**
   * Columns staged as plain values that the table now holds as jsonb (another process widened them after this
   * one encoded its batch): converted with `to_jsonb`, as the widening converted the rows already there.
   */
  toJsonb?: readonly string[];
}

function keysMatch(keys: readonly string[]): string {
  return keys.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
}

/**
 * The statements that move the staged rows into the target, run in the flush's transaction. Upsert first keeps
 * the last staged row of each key (`DISTINCT ON` ordered by input line), then uses `INSERT ... ON CONFLICT DO
 * UPDATE` when the target has a unique index on the keys, or else (a table made elsewhere, or keys that changed)
 * deletes the rows with staged keys and inserts. Rows whose delete flag is set are deleted, not inserted.
 *
 * @example
 * ```ts
 * mergeStatements({ target, columns: ['id', 'name'], parameterColumn: undefined, keys: ['id'], mode: 'upsert',
 *   uniqueIndex: true, rowColumn: '_SDC_ROW', deleteFlag: undefined });
 * // ['INSERT INTO "public"."users" ("id", "name") SELECT "id", "name" FROM (SELECT DISTINCT ON ("id") * FROM
 * //   "_sdc_stage" ORDER BY "id", "_SDC_ROW" DESC) s ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name"']
 * ```
 */
export function mergeStatements(plan: MergePlan): string[] {
  const target = qualify(plan.target.schema, plan.target.table);
  const stage = quoteIdent(STAGE_TABLE);
  const targetColumns = [
    ...plan.columns,
    ...(plan.parameterColumn === undefined ? [] : [plan.parameterColumn]),
  ];
  const list = targetColumns.map(quoteIdent).join(', ');
  const toJsonb = new Set(plan.toJsonb);
  const select = [
    ...plan.columns.map((c) => (toJsonb.has(c) ? `to_jsonb(s.${quoteIdent(c)})` : `s.${quoteIdent(c)}`)),
    ...(plan.parameterColumn === undefined ? [] : ['$1']),
  ].join(', ');
  if (plan.mode === 'append' || plan.keys.length === 0) {
    return [`INSERT INTO ${target} (${list}) SELECT ${select} FROM ${stage} s`];
  }
  const keyList = plan.keys.map(quoteIdent).join(', ');
  const latest =
    plan.rowColumn === undefined
      ? stage
      : `(SELECT DISTINCT ON (${keyList}) * FROM ${stage} ORDER BY ${keyList}, ${quoteIdent(plan.rowColumn)} DESC)`;
  const flag = plan.deleteFlag === undefined ? undefined : `s.${quoteIdent(plan.deleteFlag)}`;
  const statements: string[] = [];
  if (!plan.uniqueIndex) {
    statements.push(`DELETE FROM ${target} t USING ${stage} s WHERE ${keysMatch(plan.keys)}`);
  } else if (flag !== undefined) {
    statements.push(`DELETE FROM ${target} t USING ${latest} s WHERE ${flag} AND ${keysMatch(plan.keys)}`);
  }
  let insert = `INSERT INTO ${target} (${list}) SELECT ${select} FROM ${latest} s`;
  if (flag !== undefined) insert += ` WHERE NOT ${flag}`;
  if (plan.uniqueIndex) {
    const keySet = new Set(plan.keys);
    const updates = targetColumns
      .filter((c) => !keySet.has(c))
      .map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`);
    insert += ` ON CONFLICT (${keyList}) ${updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`;
  }
  statements.push(insert);
  return statements;
}

/** PostgreSQL's default work_mem, in kB: what a sort may use before it spills to disk. */
const DEFAULT_WORK_MEM_KB = 4096;

/**
 * The statement that lets the merge's sort (`DISTINCT ON` the keys) of `stagedBytes` of COPY text stay in memory
 * for the rest of the transaction: work_mem of twice the staged text plus the default, never lower than the
 * session's own. At the default 4 MB the sort of a 20 MB batch (47k rows) spilled to disk ("external merge
 * Disk: 9136kB", 31 ms against 20 ms in memory).
 *
 * @example
 * ```ts
 * mergeWorkMemStatement(10 * 1024 * 1024);
 * // "SELECT set_config('work_mem', GREATEST(pg_size_bytes(current_setting('work_mem')) / 1024, 24576)::text || 'kB', true)"
 * ```
 */
export function mergeWorkMemStatement(stagedBytes: number): string {
  const kb = Math.ceil((2 * stagedBytes) / 1024) + DEFAULT_WORK_MEM_KB;
  return `SELECT set_config('work_mem', GREATEST(pg_size_bytes(current_setting('work_mem')) / 1024, ${kb})::text || 'kB', true)`;
}

/** How key-only deletes in the staging table get the values their rows keep (the SDK's, on `target`). */
export type KeyOnlyFill = Omit<SdkKeyOnlyFill, 'stage' | 'target' | 'nullKeysMatch'> & { target: TableName };

/**
 * Statements that fill each key-only delete in the staging table with the values its row keeps, run before the
 * merge (which then treats it as a full row): the SDK's `keyOnlyFillStatements` on {@link STAGE_TABLE}, keys
 * compared with `=` (they are the primary key, never NULL, and `=` can use its index).
 *
 * @example
 * ```ts
 * keyOnlyFillStatements({ target, keys: ['id'], rowColumn: '_SDC_ROW', flag: '_SDC_KEY_ONLY', kept: ['name'],
 *   keptWhenNull: [] });
 * // ['UPDATE "_sdc_stage" s SET "name" = f."name", "_SDC_KEY_ONLY" = false FROM (SELECT DISTINCT ON ("id") * ...',
 * //  'UPDATE "_sdc_stage" s SET "name" = t."name" FROM "public"."users" t WHERE s."_SDC_KEY_ONLY" AND ...']
 * ```
 */
export function keyOnlyFillStatements(fill: KeyOnlyFill): string[] {
  const { target, ...rest } = fill;
  return fillFromBatchAndTable({
    ...rest,
    stage: quoteIdent(STAGE_TABLE),
    target: qualify(target.schema, target.table),
  });
}
