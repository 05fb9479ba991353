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
