/**
 * SQL text for destinations that stage a batch in a table and move it into the stream's table in one
 * transaction (dest-postgres, dest-duckdb): quoting, and the statements both need, in the SQL they share.
 */

/**
 * Quotes an identifier: always double-quoted, embedded quotes doubled, so reserved words, capitals, spaces and
 * unicode are all just names (PostgreSQL and DuckDB alike).
 *
 * @example
 * ```ts
 * quoteIdent('a"b'); // '"a""b"'
 * ```
 */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Quotes a string literal: single-quoted, embedded quotes doubled.
 *
 * @example
 * ```ts
 * quoteText("it's"); // "'it''s'"
 * ```
 */
export const quoteText = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** How a staged batch's key-only deletes get the values their rows keep ({@link keyOnlyFillStatements}). */
export interface KeyOnlyFill {
  /** The staging table, quoted. */
  stage: string;
  /** The stream's table, quoted (`"schema"."table"`). */
  target: string;
  /** Key columns. */
  keys: readonly string[];
  /** The staging column holding each record's place in the input order (a later place wins). */
  rowColumn: string;
  /** The staging column that marks key-only deletes. */
  flag: string;
  /** Columns a key-only delete does not carry: they keep the row's value. */
  kept: readonly string[];
  /** `_sdc_*` columns: a key-only delete's value is used when it is not null, else the row's. */
  keptWhenNull: readonly string[];
  /** Keys compare with IS NOT DISTINCT FROM (a table without a primary key may hold NULL keys), else with `=`. */
  nullKeysMatch?: boolean;
}

/**
 * Statements that fill each key-only delete in the staging table with the values its row keeps, run before the
 * merge (which then treats it as a full row): first from the latest full record of the same key earlier in the
 * batch (an insert and its delete in one batch), and for the rest from the row already in the table. A key seen
 * nowhere keeps NULLs: there is nothing to keep.
 *
 * @example
 * ```ts
 * keyOnlyFillStatements({ stage: '"_sdc_stage"', target: '"public"."users"', keys: ['id'], rowColumn: '_sdc_row',
 *   flag: '_sdc_key_only', kept: ['name'], keptWhenNull: [] });
 * // ['UPDATE "_sdc_stage" s SET "name" = f."name", "_sdc_key_only" = false FROM (SELECT DISTINCT ON ("id") * ...',
 * //  'UPDATE "_sdc_stage" s SET "name" = t."name" FROM "public"."users" t WHERE s."_sdc_key_only" AND ...']
 * ```
 */
export function keyOnlyFillStatements(fill: KeyOnlyFill): string[] {
  const { stage, target } = fill;
  const flag = quoteIdent(fill.flag);
  const row = quoteIdent(fill.rowColumn);
  const keyList = fill.keys.map(quoteIdent).join(', ');
  const equals = fill.nullKeysMatch === true ? 'IS NOT DISTINCT FROM' : '=';
  const match = (from: string) =>
    fill.keys.map((k) => `${from}.${quoteIdent(k)} ${equals} s.${quoteIdent(k)}`).join(' AND ');
  const sets = (from: string) => [
    ...fill.kept.map((c) => `${quoteIdent(c)} = ${from}.${quoteIdent(c)}`),
    ...fill.keptWhenNull.map(
      (c) => `${quoteIdent(c)} = COALESCE(s.${quoteIdent(c)}, ${from}.${quoteIdent(c)})`,
    ),
  ];
  const fromBatch = [...sets('f'), `${flag} = false`].join(', ');
  const fromTarget = sets('t');
  const statements = [
    `UPDATE ${stage} s SET ${fromBatch} FROM (SELECT DISTINCT ON (${keyList}) * FROM ${stage} WHERE NOT ${flag} ` +
      `ORDER BY ${keyList}, ${row} DESC) f WHERE s.${flag} AND ${match('f')} AND f.${row} < s.${row}`,
  ];
  if (fromTarget.length > 0) {
    statements.push(
      `UPDATE ${stage} s SET ${fromTarget.join(', ')} FROM ${target} t WHERE s.${flag} AND ${match('t')}`,
    );
  }
  return statements;
}

/** How a staged batch moves into the stream's table ({@link mergeStagedStatements}). */
export interface StagedMerge {
  /** The staging table, quoted; it holds `columns` (same names as the table's) and `rowColumn`. */
  stage: string;
  /** The stream's table, quoted (`"schema"."table"`). */
  target: string;
  /** The columns the batch writes, unquoted. */
  columns: readonly string[];
  /** Key columns, unquoted. */
  keys: readonly string[];
  /** The staging column holding each record's place in the input order (a later place wins). */
  rowColumn: string;
  /** Upsert: the last staged row of each key replaces the table's rows of that key. Else rows are appended. */
  upsert: boolean;
  /** A row whose `_sdc_deleted_at` is set deletes its key's rows and is not inserted (`hard_delete`). */
  hardDelete: boolean;
  /** Keys compare with IS NOT DISTINCT FROM (a table without a primary key may hold NULL keys), else with `=`. */
  nullKeysMatch?: boolean;
}

/**
 * The statements that move a staged batch into the stream's table, run in the flush's transaction (after
 * {@link keyOnlyFillStatements} where the batch marks key-only deletes): the table's rows of the staged keys are
 * deleted (for an upsert, of every key; else of the keys a row deletes), then the rows are inserted (for an upsert,
 * only the last of each key in input order; with `hardDelete`, not the deletes).
 *
 * @example
 * ```ts
 * mergeStagedStatements({ stage: '"_sdc_rows"', target: '"main"."users"', columns: ['id', 'name'], keys: ['id'],
 *   rowColumn: '_sdc_row', upsert: true, hardDelete: false });
 * // ['DELETE FROM "main"."users" t USING (SELECT DISTINCT ON ("id") * FROM "_sdc_rows" ORDER BY "id", "_sdc_row" DESC) s WHERE t."id" = s."id"',
 * //  'INSERT INTO "main"."users" ("id", "name") SELECT "id", "name" FROM (SELECT DISTINCT ON ("id") * ...) s']
 * ```
 */
export function mergeStagedStatements(merge: StagedMerge): string[] {
  const { stage, target, upsert, hardDelete } = merge;
  const keyList = merge.keys.map(quoteIdent).join(', ');
  const names = merge.columns.map(quoteIdent).join(', ');
  const rows = upsert
    ? `(SELECT DISTINCT ON (${keyList}) * FROM ${stage} ORDER BY ${keyList}, ${quoteIdent(merge.rowColumn)} DESC)`
    : stage;
  const equals = merge.nullKeysMatch === true ? 'IS NOT DISTINCT FROM' : '=';
  const match = merge.keys.map((k) => `t.${quoteIdent(k)} ${equals} s.${quoteIdent(k)}`).join(' AND ');
  const deletesOnly = upsert ? '' : ' AND s._sdc_deleted_at IS NOT NULL';
  const live = hardDelete ? ' WHERE _sdc_deleted_at IS NULL' : '';
  return [
    `DELETE FROM ${target} t USING ${rows} s WHERE ${match}${deletesOnly}`,
    `INSERT INTO ${target} (${names}) SELECT ${names} FROM ${rows} s${live}`,
  ];
}

/**
 * Runs `work` in one transaction on a connection whose `run` executes one statement: COMMIT when it resolves
 * (the database makes the transaction durable then, before the export returns and the SDK writes the STATE that
 * covers it), ROLLBACK when it throws, and the error is thrown again.
 *
 * @example
 * ```ts
 * await inTransaction((sql) => connection.run(sql), async () => {
 *   await connection.run('INSERT INTO "main"."users" SELECT * FROM read_csv(...)');
 * });
 * ```
 */
export async function inTransaction(
  run: (sql: string) => Promise<unknown>,
  work: () => Promise<void>,
): Promise<void> {
  await run('BEGIN TRANSACTION');
  try {
    await work();
  } catch (error) {
    await run('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await run('COMMIT');
}

/**
 * The statement that ACTIVATE_VERSION runs on a stream's table: rows of an older version than `version`, or of none
 * (`_sdc_table_version` null), are deleted with `hardDelete`, else marked deleted now in `_sdc_deleted_at` (rows
 * already marked keep their time). The table must have both columns.
 *
 * @example
 * ```ts
 * activateVersionSql('"main"."users"', 3, true);
 * // 'DELETE FROM "main"."users" WHERE ("_sdc_table_version" IS NULL OR "_sdc_table_version" < 3)'
 * ```
 */
export function activateVersionSql(target: string, version: number, hardDelete: boolean): string {
  // A version is a JSON integer the reader checked; written as digits it needs no parameter.
  const old = `("_sdc_table_version" IS NULL OR "_sdc_table_version" < ${BigInt(version)})`;
  return hardDelete
    ? `DELETE FROM ${target} WHERE ${old}`
    : `UPDATE ${target} SET "_sdc_deleted_at" = now() WHERE "_sdc_deleted_at" IS NULL AND ${old}`;
}
