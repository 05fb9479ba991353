import {
  foldName,
  loadModeOf,
  normalizeSchema,
  planColumns,
  quoteIdent,
  sdcColumnsOf,
  streamTableName,
  type JsonSchema,
} from '@singer-dest/sdk';
import { columnTypeOf } from './column-types';
import type { DuckDbConfig } from './config';
import type { CsvRowFacts } from './csv-rows';
import { DuckDbDestinationError } from './errors';

/** A column of a stream's table: its name, its type in the table, the property (or `_sdc_*` value) it holds. */
export type StreamColumn = CsvRowFacts['columns'][number];

/** How one stream loads, fixed at its SCHEMA (whose buffered records the SDK exports before calling @OnSchema). */
export interface StreamTable {
  schema: string;
  table: string;
  qualified: string;
  /** Properties first; `type` is the table's (after {@link ensureTable}, and as flushes widen it). */
  columns: StreamColumn[];
  keys: string[];
  upsert: boolean;
  /** Overwrite: the next flush empties the table first (once a run). */
  overwrite: boolean;
}

/** DuckDB folds unquoted names to lower case and compares quoted ones without case: lower-case them all. */
const NAMES = { maxBytes: 255, case: 'lower' } as const;

/** The error for two sources that fold to one name; `clash` says which two and onto what. */
export const collision =
  (clash: (owner: string, other: string, name: string) => string) =>
  (owner: string, other: string, name: string) =>
    new DuckDbDestinationError(
      'ERR_DUCKDB_NAME_COLLISION',
      `${clash(owner, other, name)} (names are lower-cased), so their values would mix. Rename one of them in ` +
        'the tap or with a stream map.',
    );

/** The schema and table a stream loads into, folded ("schema-table" streams unless default_target_schema is set). */
export function tableNameOf(
  stream: string,
  config: DuckDbConfig,
): { schema: string; table: string; qualified: string } {
  const named = streamTableName(stream, {
    defaultSchema: config.defaultTargetSchema,
    fallbackSchema: 'main',
  });
  const [schema, table] = [foldName(named.schema, NAMES), foldName(named.table, NAMES)];
  return { schema, table, qualified: `${quoteIdent(schema)}.${quoteIdent(table)}` };
}

/**
 * Maps a stream onto its table with the SDK's table planning: the name, the columns from the SDK's normalized
 * schema, the `_sdc_*` columns (all six with add_record_metadata or hard_delete, as target-duckdb does, else the
 * version with activate_version), the keys, and the load mode.
 *
 * @example
 * ```ts
 * streamTableOf('public-users', { properties: { id: { type: 'integer' } } }, ['id'], config);
 * // { schema: 'public', table: 'users', columns: [{ name: 'id', type: 'BIGINT', ... }, ...], keys: ['id'], ... }
 * ```
 */
export function streamTableOf(
  stream: string,
  schema: JsonSchema,
  keyProperties: readonly string[],
  config: DuckDbConfig,
): StreamTable {
  const all = config.addRecordMetadata || config.hardDelete;
  const metadata = sdcColumnsOf({ all, activateVersion: config.activateVersion });
  const planned = planColumns(normalizeSchema(schema), keyProperties, {
    rules: NAMES,
    sdcColumns: metadata,
    collision: collision(
      (a, b, name) => `Properties "${a}" and "${b}" of stream "${stream}" both become column "${name}"`,
    ),
    unknownKey: (key) =>
      new DuckDbDestinationError(
        'ERR_DUCKDB_UNKNOWN_KEY',
        `The key property "${key}" of stream "${stream}" is not among its schema's properties, so it has no ` +
          'column. Add it to the schema or fix key_properties.',
        { stream },
      ),
  });
  const columns: StreamColumn[] = planned.columns.map(({ property, name }) => ({
    name,
    type: columnTypeOf(property, config.unboundedNumbersAsText),
    property: property.name,
    sdc: false,
  }));
  for (const { name, type } of metadata)
    columns.push({ name, type: type === 'integer' ? 'BIGINT' : 'TIMESTAMPTZ', property: name, sdc: true });
  const { keys } = planned;
  return { ...tableNameOf(stream, config), columns, keys, ...loadModeOf(config.loadMethod, keys.length) };
}

/**
 * Whether a stream's rows say if they are key-only deletes (which keep the row's other values): an upsert without
 * hard_delete (with it, a delete removes the row). The encoder's facts and the batch's load both ask.
 */
export const marksKeyOnlyDeletes = (table: StreamTable, hardDelete: boolean): boolean =>
  table.upsert && !hardDelete;
