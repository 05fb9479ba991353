import {
  SDC_COLUMNS,
  normalizeSchema,
  planColumns,
  type JsonSchema,
  type SdcColumnName,
} from '@singer-dest/sdk/toolkit';
import type { PostgresConfig } from './config';
import { PostgresDestinationError } from './errors';
import { nameCollision, PG_NAME_RULES, tableNameOf, toPgName, type TableName } from './identifiers';
import { columnTypeOf, type ColumnType } from './type-mapping';

/** The metadata columns `add_record_metadata` adds (the SDK's, one meaning each), with their column types. */
export const METADATA_COLUMNS: ReadonlyMap<SdcColumnName, ColumnType> = new Map(
  SDC_COLUMNS.map((c) => [c.name, c.type === 'integer' ? 'bigint' : 'timestamptz']),
);

/** How a stream maps onto its table; computed once per SCHEMA. */
export interface StreamLayout {
  table: TableName;
  /** Property name → column name and type, in schema order. */
  properties: { property: string; name: string; type: ColumnType }[];
  /** Column names of the key properties. */
  keys: string[];
}

/**
 * Maps a stream's schema onto a table with the SDK's planColumns: names (lower-cased, shortened, collisions
 * rejected), types, keys.
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
  for (const name of Object.keys(properties)) toPgName(name); // refuses empty and NUL names first
  const planned = planColumns(normalizeSchema(schema), keyProperties, {
    rules: PG_NAME_RULES,
    sdcColumns: config.addRecordMetadata ? SDC_COLUMNS : [], // the metadata column of the same name wins
    collision: nameCollision(`properties of stream "${stream}"`, stream),
    unknownKey: (key) =>
      new PostgresDestinationError(
        'ERR_PG_UNKNOWN_KEY',
        `The key property "${key}" of stream "${stream}" is not among its schema's properties, so it has no column. ` +
          'Add it to the schema or fix key_properties.',
        { stream },
      ),
  });
  const columns = planned.columns.map(({ property, name }) => ({
    property: property.name,
    name,
    type: columnTypeOf(property),
  }));
  const { keys } = planned;
  const table =
    config.table === undefined
      ? tableNameOf(stream, config.defaultTargetSchema)
      : { schema: toPgName(config.defaultTargetSchema ?? 'public'), table: toPgName(config.table) };
  return { table, properties: columns, keys };
}
