import type { DuckDBConnection } from '@duckdb/node-api';
import {
  columnChanges,
  keyOnlyFillStatements,
  mergeStagedStatements,
  quoteIdent,
  quoteText,
} from '@singer-dest/sdk';
import { widerType } from './column-types';
import { inRows } from './csv-rows';

/** A column of a stream's table: its name and its type. */
export interface WantedColumn {
  name: string;
  type: string;
}

/** The statement that gives a column of `qualified` a wider type (see {@link widerType}). */
export const alterTypeSql = (qualified: string, column: string, type: string): string =>
  `ALTER TABLE ${qualified} ALTER ${quoteIdent(column)} TYPE ${type}`;

/**
 * Creates the table, or brings it to `wanted`: adds missing columns and widens types (see {@link widerType}).
 * Returns every column's type afterwards, which is what the stream's values are encoded for.
 */
export async function ensureTable(
  connection: DuckDBConnection,
  schema: string,
  table: string,
  wanted: readonly WantedColumn[],
): Promise<Map<string, string>> {
  const qualified = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  const reader = await connection.runAndReadAll(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
    [schema, table],
  );
  const types = new Map(
    reader
      .getRows()
      .map(([name, type]) => [String(name), String(type).replace('TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ')]),
  );
  if (types.size === 0) {
    const list = wanted.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
    await connection.run(`CREATE TABLE ${qualified} (${list})`);
    return new Map(wanted.map((c) => [c.name, c.type]));
  }
  const changes = columnChanges(types, wanted, (current, type) => {
    const wider = widerType(current, type);
    return wider === current ? undefined : wider;
  });
  for (const { name, type } of changes.added)
    await connection.run(`ALTER TABLE ${qualified} ADD COLUMN ${quoteIdent(name)} ${type}`);
  for (const { name, type } of changes.widened) await connection.run(alterTypeSql(qualified, name, type));
  for (const { name, type } of [...changes.added, ...changes.widened]) types.set(name, type);
  return types;
}

/** What one flush loads: the batch's CSV rows (`file`), read as `columns`, into `qualified`. */
export interface BatchLoad {
  file: string;
  qualified: string;
  columns: readonly WantedColumn[];
  keys: readonly string[];
  upsert: boolean;
  hardDelete: boolean;
  /** Whether each row ends with its key-only-delete flag after its place (`_sdc_row`). */
  keyOnlyFlag: boolean;
  /** The longest row's UTF-16 length when longer than read_csv takes by default. */
  longestRow: number;
  /** When the batch was handed to the export: every row's `_sdc_batched_at` (not in the rows, see CSV_ROWS). */
  batchedAt: Date;
}

const STAGE = '"_sdc_rows"';
/** Read as text and cast: DuckDB's CSV reader makes a time it cannot read NULL, where a cast fails. */
const castLater = (type: string) => /^(TIMESTAMPTZ|DATE|TIME)$/.test(type);

/** read_csv of a batch file, all columns as text when `asText` (to find the row a cast fails on). */
export function readCsvSql(load: BatchLoad, asText = false): string {
  const columns = [...load.columns.filter(inRows), { name: '_sdc_row', type: 'BIGINT' }];
  if (load.keyOnlyFlag) columns.push({ name: '_sdc_key_only', type: 'BOOLEAN' });
  const spec = columns.map(
    (c) => `${quoteText(c.name)}: '${asText || castLater(c.type) ? 'VARCHAR' : c.type}'`,
  );
  // A row is up to 3 UTF-8 bytes per UTF-16 unit; read_csv refuses rows over 2 MB unless told otherwise.
  const bytes = load.longestRow * 3 + 1024;
  const limits = load.longestRow > 0 ? `, max_line_size = ${bytes}, buffer_size = ${2 * bytes}` : '';
  // new_line is given: DuckDB would take it from the first row, and a first string holding \r\n broke the rest.
  return (
    `read_csv(${quoteText(load.file)}, columns = {${spec.join(', ')}}, header = false, auto_detect = false, ` +
    `delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, new_line = '\\n'${limits})`
  );
}

/**
 * The statements that load a batch file: an INSERT of its rows; or, for upserts and hard deletes by key, a
 * staging table of them, its key-only deletes filled with the values their row keeps, and the SDK's merge of
 * it into the table (keyOnlyFillStatements, mergeStagedStatements).
 */
export function loadStatements(load: BatchLoad): string[] {
  const { qualified, keys, upsert, hardDelete } = load;
  const names = load.columns.map((c) => quoteIdent(c.name));
  const cast = load.columns.map((c) =>
    !inRows(c)
      ? `${quoteText(load.batchedAt.toISOString())}::${c.type} AS ${quoteIdent(c.name)}`
      : castLater(c.type)
        ? `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`
        : quoteIdent(c.name),
  );
  const insert = `INSERT INTO ${qualified} (${names.join(', ')})`;
  if (!upsert && !(hardDelete && keys.length > 0))
    return [`${insert} SELECT ${cast.join(', ')} FROM ${readCsvSql(load)}`];
  const extra = load.keyOnlyFlag ? ', _sdc_row, _sdc_key_only' : ', _sdc_row';
  const statements = [
    `CREATE OR REPLACE TEMP TABLE ${STAGE} AS SELECT ${cast.join(', ')}${extra} FROM ${readCsvSql(load)}`,
  ];
  if (load.keyOnlyFlag) {
    const carried = load.columns.map((c) => c.name).filter((n) => !keys.includes(n));
    statements.push(
      ...keyOnlyFillStatements({
        stage: STAGE,
        target: qualified,
        keys,
        rowColumn: '_sdc_row',
        flag: '_sdc_key_only',
        kept: carried.filter((n) => !n.startsWith('_sdc_')),
        keptWhenNull: carried.filter((n) => n.startsWith('_sdc_')),
        nullKeysMatch: true,
      }),
    );
  }
  statements.push(
    ...mergeStagedStatements({
      stage: STAGE,
      target: qualified,
      columns: load.columns.map((c) => c.name),
      keys,
      rowColumn: '_sdc_row',
      upsert,
      hardDelete,
      nullKeysMatch: true,
    }),
    `DROP TABLE ${STAGE}`,
  );
  return statements;
}
