import {
  foldName,
  foldNames,
  isSdcColumn,
  normalizeSchema,
  SDC_COLUMNS,
  SdcValues,
  type EncodeContext,
  type JsonSchema,
} from '@singer-dest/sdk';
import { columnTypeOf, UNBOUNDED_NUMBER_TYPE } from './column-types';
import type { DuckDbConfig } from './config';
import { DuckDbDestinationError } from './errors';
import { quoteIdent } from './table-sql';

/** A column of a stream's CSV lines: its name, its type in the table, and where each record's value comes from. */
export interface LineColumn {
  name: string;
  type: string;
  label: string;
  valueOf: (context: EncodeContext) => unknown;
  /** A number the schema does not fix (DECIMAL(38,9)): becomes VARCHAR when a value needs more digits. */
  widensToText: boolean;
}

/** How one stream loads, fixed at its SCHEMA (whose buffered records the SDK exports before calling @OnSchema). */
export interface StreamTable {
  schema: string;
  table: string;
  qualified: string;
  /** The CSV columns, properties first; `type` is the table's after {@link ensureTable}. */
  columns: LineColumn[];
  keys: string[];
  upsert: boolean;
  /** Overwrite: the next flush empties the table first (once a run). */
  overwrite: boolean;
  /** Columns the next flush turns into VARCHAR, with the input line of the value that needed it. */
  toText: Map<string, number>;
}

/** DuckDB folds unquoted names to lower case and compares quoted ones without case: lower-case them all. */
const NAMES = { maxBytes: 255, case: 'lower' } as const;

/** The NameClaims error for two sources that fold to one name; `clash` says which two and onto what. */
const collision =
  (clash: (owner: string, other: string, name: string) => string) =>
  (owner: string, other: string, name: string) =>
    new DuckDbDestinationError(
      'ERR_DUCKDB_NAME_COLLISION',
      `${clash(owner, other, name)} (names are lower-cased), so their values would mix. Rename one of them in ` +
        'the tap or with a stream map.',
    );

/** The metadata columns a stream's table gets: all six with add_record_metadata or hard_delete, else the version. */
export function metadataColumns(config: DuckDbConfig): string[] {
  if (config.addRecordMetadata || config.hardDelete) return SDC_COLUMNS.map((c) => c.name);
  return config.activateVersion ? ['_sdc_table_version'] : [];
}

/**
 * Maps a stream onto its table: the table name ("schema-table" streams go to that schema unless
 * default_target_schema is set), the columns from the SDK's normalized schema, the metadata columns, the keys.
 * `_sdc_batched_at` is no CSV column: each flush writes its batch time in SQL.
 *
 * @example
 * ```ts
 * streamTableOf('public-users', { properties: { id: { type: 'integer' } } }, ['id'], config, new SdcValues());
 * // { schema: 'public', table: 'users', columns: [{ name: 'id', type: 'BIGINT', ... }, ...], keys: ['id'], ... }
 * ```
 */
export function streamTableOf(
  stream: string,
  schema: JsonSchema,
  keyProperties: readonly string[],
  config: DuckDbConfig,
  sdc: SdcValues,
): StreamTable {
  const parts = stream.split('-');
  const named = (parts.length === 2 || parts.length === 3) && parts.every((p) => p.length > 0);
  const table = foldName(named ? parts[parts.length - 1]! : stream, NAMES);
  const schemaName = foldName(
    config.defaultTargetSchema ?? (named ? parts[parts.length - 2]! : 'main'),
    NAMES,
  );
  const metadata = metadataColumns(config);
  const properties = normalizeSchema(schema).properties.filter((p) => !metadata.includes(p.name));
  const names = foldNames(
    properties.map((p) => p.name),
    NAMES,
    collision(
      (a, b, name) => `Properties "${a}" and "${b}" of stream "${stream}" both become column "${name}"`,
    ),
  );
  const columns: LineColumn[] = properties.map((property) => {
    const type = columnTypeOf(property, config.unboundedNumbersAsText);
    const name = names.get(property.name)!;
    const widensToText = type === UNBOUNDED_NUMBER_TYPE && property.type !== 'integer';
    return { name, type, label: property.name, valueOf: (c) => c.record[property.name], widensToText };
  });
  for (const name of metadata) {
    if (isSdcColumn(name) && name !== '_sdc_batched_at') {
      const type = SDC_COLUMNS.find((c) => c.name === name)!.type === 'integer' ? 'BIGINT' : 'TIMESTAMPTZ';
      const valueOf = (c: EncodeContext) =>
        sdc.valueOf(name, { message: c.message, receivedAt: c.receivedAt, batchedAt: 0, line: c.line });
      columns.push({ name, type, label: name, valueOf, widensToText: false });
    }
  }
  const keys = keyProperties.map((key) => {
    const name = names.get(key);
    if (name !== undefined) return name;
    throw new DuckDbDestinationError(
      'ERR_DUCKDB_UNKNOWN_KEY',
      `The key property "${key}" of stream "${stream}" is not among its schema's properties, so it has no ` +
        'column. Add it to the schema or fix key_properties.',
      { stream },
    );
  });
  const method = config.loadMethod ?? (keys.length > 0 ? 'upsert' : 'append-only');
  return {
    schema: schemaName,
    table,
    qualified: `${quoteIdent(schemaName)}.${quoteIdent(table)}`,
    columns,
    keys,
    upsert: keys.length > 0 && (method === 'upsert' || method === 'overwrite'),
    overwrite: method === 'overwrite',
    toText: new Map(),
  };
}

/** The NameClaims collision error for two streams on one table. */
export const tableCollision = collision(
  (a, b, name) => `Streams "${a}" and "${b}" both map to table ${name}`,
);
