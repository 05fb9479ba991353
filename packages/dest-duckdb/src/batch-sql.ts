/** The staging table of a flush (a temporary table, dropped in the flush's transaction). */
export const STAGE = '_sdc_rows';

/** One column of a flush: its quoted name, its type in the table, the type it is staged as. */
export interface StagedColumn {
  name: string;
  type: string;
  staged: string;
  /** What a key-only delete keeps of the row: the row's value, or (an `_sdc_*` property) the row's when its own is null. */
  kept: 'row' | 'row-unless-set' | 'none';
}

/** What one flush does, once its rows are staged with their input line (`_sdc_row`) and key-only flag. */
export interface BatchPlan {
  qualified: string;
  columns: readonly StagedColumn[];
  /** Quoted key column names. */
  keys: readonly string[];
  upsert: boolean;
  hardDelete: boolean;
}

/** Whether a flush stages the key-only-delete flag: an upsert that marks deletes fills such rows first. */
export const fillsKeyOnly = (plan: BatchPlan): boolean => plan.upsert && !plan.hardDelete;

/** `CREATE TEMP TABLE` of the staging table. */
export function stageTableSql(plan: BatchPlan): string {
  const flag = fillsKeyOnly(plan) ? ', _sdc_key_only BOOLEAN' : '';
  const columns = plan.columns.map((c) => `${c.name} ${c.staged}`).join(', ');
  return `CREATE OR REPLACE TEMP TABLE ${STAGE} (${columns}, _sdc_row BIGINT${flag})`;
}

/**
 * The statements that move the staged rows into the table: key-only deletes filled with the values their row
 * keeps (from the latest full record of the key earlier in the batch, else from the table); for upserts the last
 * record of each key (by input line) replacing its row (`DELETE … USING`, then `INSERT`); with hard_delete and
 * keys, deletes removing their row and not inserted.
 *
 * @example
 * ```ts
 * loadStatements({ qualified: '"main"."users"', columns, keys: ['"id"'], upsert: true, hardDelete: false });
 * ```
 */
export function loadStatements(plan: BatchPlan): string[] {
  const { qualified, columns, keys, upsert, hardDelete } = plan;
  const cast = (c: StagedColumn, from: string, to: string) =>
    c.staged === to ? `${from}${c.name}` : `CAST(${from}${c.name} AS ${to})`;
  const keyed = columns.filter((c) => keys.includes(c.name));
  const match = (table: string, s: string) =>
    keyed.map((k) => `${table}.${k.name} IS NOT DISTINCT FROM ${cast(k, `${s}.`, k.type)}`).join(' AND ');
  const statements: string[] = [];
  if (fillsKeyOnly(plan)) {
    const sets = (from: string, convert: boolean) =>
      columns
        .filter((c) => c.kept !== 'none')
        .map((c) => {
          const value =
            convert && c.type !== c.staged ? `CAST(${from}.${c.name} AS ${c.staged})` : `${from}.${c.name}`;
          return `${c.name} = ${c.kept === 'row' ? value : `COALESCE(${STAGE}.${c.name}, ${value})`}`;
        });
    const keyList = keys.join(', ');
    const same = keyed.map((k) => `f.${k.name} IS NOT DISTINCT FROM ${STAGE}.${k.name}`).join(' AND ');
    if (sets('f', false).length > 0) {
      statements.push(
        `UPDATE ${STAGE} SET ${[...sets('f', false), '_sdc_key_only = false'].join(', ')} FROM (SELECT DISTINCT ON ` +
          `(${keyList}) * FROM ${STAGE} WHERE NOT _sdc_key_only ORDER BY ${keyList}, _sdc_row DESC) f ` +
          `WHERE ${STAGE}._sdc_key_only AND ${same} AND f._sdc_row < ${STAGE}._sdc_row`,
        `UPDATE ${STAGE} SET ${sets('t', true).join(', ')} FROM ${qualified} t ` +
          `WHERE ${STAGE}._sdc_key_only AND ${match('t', STAGE)}`,
      );
    }
  }
  const rows = upsert
    ? `(SELECT * FROM ${STAGE} QUALIFY row_number() OVER (PARTITION BY ${keys.join(', ')} ORDER BY _sdc_row DESC) = 1)`
    : STAGE;
  if (upsert || (hardDelete && keys.length > 0)) {
    const deletesOnly = upsert ? '' : ' AND s._sdc_deleted_at IS NOT NULL';
    statements.push(`DELETE FROM ${qualified} USING ${rows} s WHERE ${match(qualified, 's')}${deletesOnly}`);
  }
  const live = hardDelete && keys.length > 0 ? ' WHERE _sdc_deleted_at IS NULL' : '';
  const names = columns.map((c) => c.name).join(', ');
  const values = columns.map((c) => cast(c, '', c.type)).join(', ');
  statements.push(
    `INSERT INTO ${qualified} (${names}) SELECT ${values} FROM ${rows}${live}`,
    `DROP TABLE ${STAGE}`,
  );
  return statements;
}
