import { ExactNumber, stringifyJson, type BatchContext, type JsonSchema } from '@singer-dest/sdk';
import type { PostgresConfig } from './config';
import { PostgresDestinationError } from './errors';
import { mapNames, tableNameOf, type TableName } from './identifiers';
import type { WantedColumn } from './table-manager';
import { columnTypeOf, integerOutsideInt64, type ColumnType } from './type-mapping';

/** The metadata columns `add_record_metadata` adds, all UTC. */
export const METADATA_COLUMNS = {
  _sdc_extracted_at: 'timestamptz',
  _sdc_received_at: 'timestamptz',
  _sdc_batched_at: 'timestamptz',
  _sdc_deleted_at: 'timestamptz',
  _sdc_sequence: 'bigint',
  _sdc_table_version: 'bigint',
} as const satisfies Record<string, ColumnType>;

type MetadataName = keyof typeof METADATA_COLUMNS;

/** The staging-only column that marks rows to delete (CDC with hard_delete). Upper case: no property maps to it. */
export const DELETE_FLAG_COLUMN = '_SDC_DELETE';

/** A column of a batch: what the table needs, and where each row's value comes from. */
export interface BatchColumn extends WantedColumn {
  label: string;
  valueOf: (index: number) => unknown;
}

/** How a stream maps onto its table; computed once per SCHEMA. */
export interface StreamLayout {
  table: TableName;
  /** Property name → column name and type, in schema order. */
  properties: { property: string; name: string; type: ColumnType }[];
  /** Column names of the key properties. */
  keys: string[];
}

/**
 * Maps a stream's schema onto a table: names (lower-cased, shortened, collisions rejected), types, keys.
 *
 * @example
 * ```ts
 * layoutOf('users', { properties: { id: { type: 'integer' } } }, ['id'], config);
 * // { table: { schema: 'public', table: 'users' }, properties: [{ property: 'id', name: 'id', type: 'bigint' }], keys: ['id'] }
 * ```
 */
export function layoutOf(
  stream: string,
  schema: JsonSchema,
  keyProperties: readonly string[],
  config: PostgresConfig,
): StreamLayout {
  const properties = schema.properties;
  if (properties === undefined || Object.keys(properties).length === 0) {
    throw new PostgresDestinationError(
      'ERR_PG_NO_PROPERTIES',
      `The SCHEMA of stream "${stream}" declares no properties, so there are no columns to create. Send a schema ` +
        'with "properties" (a property without a type is loaded as jsonb).',
      { stream },
    );
  }
  const names = mapNames(Object.keys(properties), `properties of stream "${stream}"`, stream);
  const metadata = config.addRecordMetadata
    ? new Set<string>(Object.keys(METADATA_COLUMNS))
    : new Set<string>();
  const columns = [...names]
    .filter(([, name]) => !metadata.has(name)) // the metadata column of the same name wins
    .map(([property, name]) => ({ property, name, type: columnTypeOf(properties[property]!) }));
  const keys = keyProperties.map((key) => names.get(key) ?? mapNames([key], 'key property').get(key)!);
  return { table: tableNameOf(stream, config.defaultTargetSchema), properties: columns, keys };
}

/** A record's key as one string, for finding duplicates inside a batch. */
function keyOf(record: Record<string, unknown>, keys: readonly string[]): string {
  let text = '';
  for (const key of keys) {
    const value = record[key];
    text +=
      (typeof value === 'object' && value !== null && !(value instanceof ExactNumber)
        ? stringifyJson(value)
        : String(value)) + '\u0000';
  }
  return text;
}

/**
 * The batch rows to write: with `dedupe`, only the last record of each key (the later record wins, as it would
 * in the source); otherwise all, in input order.
 */
export function rowsToWrite(
  context: BatchContext,
  keyProperties: readonly string[],
  dedupe: boolean,
): number[] {
  const count = context.records.length;
  if (!dedupe || keyProperties.length === 0) return Array.from({ length: count }, (_, i) => i);
  const last = new Map<string, number>();
  for (let i = 0; i < count; i++) last.set(keyOf(context.records[i]!, keyProperties), i);
  if (last.size === count) return Array.from({ length: count }, (_, i) => i);
  return [...last.values()].sort((a, b) => a - b);
}

/** What a batch writes besides the schema's properties. */
export interface BatchOptions {
  config: PostgresConfig;
  /** Base of `_sdc_sequence`: the run's start in microseconds; the record's input line is added. */
  sequenceBase: number;
  /** Add the staging-only delete flag column (CDC with hard_delete and keys). */
  deleteFlag: boolean;
}

function metadataValue(
  name: MetadataName,
  context: BatchContext,
  sequenceBase: number,
): (index: number) => unknown {
  switch (name) {
    case '_sdc_extracted_at':
      return (i) => context.messages[i]!.time_extracted;
    case '_sdc_received_at': {
      let lastMs = NaN;
      let lastText = '';
      return (i) => {
        const ms = context.receivedAt[i]!;
        if (ms !== lastMs) {
          lastMs = ms;
          lastText = new Date(ms).toISOString();
        }
        return lastText;
      };
    }
    case '_sdc_batched_at': {
      const text = context.batchedAt.toISOString();
      return () => text;
    }
    case '_sdc_deleted_at':
      return (i) => context.records[i]!._sdc_deleted_at;
    case '_sdc_sequence':
      return (i) => sequenceBase + context.lines[i]!;
    case '_sdc_table_version':
      return (i) => context.messages[i]!.version;
  }
}

/** True when a record of the batch is a CDC delete (its `_sdc_deleted_at` is set). */
export function isDeleted(context: BatchContext, index: number): boolean {
  const value = context.records[index]!._sdc_deleted_at;
  return value !== undefined && value !== null;
}

/**
 * The columns a batch writes: the stream's properties (an integer property whose values leave the bigint range
 * becomes numeric), then metadata columns, then the delete flag.
 */
export function batchColumns(
  context: BatchContext,
  layout: StreamLayout,
  options: BatchOptions,
): BatchColumn[] {
  const { records } = context;
  const columns: BatchColumn[] = layout.properties.map(({ property, name, type }) => {
    let wanted = type;
    if (type === 'bigint') {
      for (const record of records) {
        const value = record[property];
        if (value instanceof ExactNumber && integerOutsideInt64(value.text)) {
          wanted = 'numeric';
          break;
        }
      }
    }
    return { name, type: wanted, label: property, valueOf: (i: number) => records[i]![property] };
  });
  const { config } = options;
  const metadata = new Set<MetadataName>();
  if (config.addRecordMetadata)
    for (const name of Object.keys(METADATA_COLUMNS)) metadata.add(name as MetadataName);
  if (config.activateVersion && context.messages.some((m) => m.version !== undefined))
    metadata.add('_sdc_table_version');
  for (const name of metadata) {
    columns.push({
      name,
      type: METADATA_COLUMNS[name],
      label: name,
      valueOf: metadataValue(name, context, options.sequenceBase),
    });
  }
  if (options.deleteFlag) {
    columns.push({
      name: DELETE_FLAG_COLUMN,
      type: 'boolean',
      label: DELETE_FLAG_COLUMN,
      valueOf: (i) => isDeleted(context, i),
    });
  }
  return columns;
}
