import { NameClaims, foldName, quoteIdent, streamTableName, type NameRules } from '@singer-dest/sdk/toolkit';
import { PostgresDestinationError } from './errors';

/** PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

/** Quotes an identifier for SQL: the SDK toolkit's, shared with dest-duckdb. */
export { quoteIdent } from '@singer-dest/sdk/toolkit';

/** `schema.table`, both quoted. */
export function qualify(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** PostgreSQL's names: lower-cased (so unquoted SQL finds them too), at most 63 bytes. */
export const PG_NAME_RULES: NameRules = { maxBytes: MAX_IDENTIFIER_BYTES, case: 'lower' };

/**
 * The PostgreSQL name for a stream, schema or property name ({@link PG_NAME_RULES}): lower-cased, and when over
 * 63 UTF-8 bytes, a prefix plus `_` plus 8 hex characters of the SHA-256 of the whole lower-cased name, so it is
 * deterministic and two long names sharing a prefix still differ.
 *
 * @example
 * ```ts
 * toPgName('clientName');      // 'clientname'
 * toPgName('x'.repeat(100));   // 'xxx…x_1a2b3c4d' (63 bytes)
 * ```
 */
export function toPgName(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) {
    throw new PostgresDestinationError(
      'ERR_PG_INVALID_NAME',
      `The name ${JSON.stringify(name.slice(0, 40))} cannot be a PostgreSQL identifier (it is empty or holds a NUL character). Rename it in the tap or with a stream map.`,
    );
  }
  return foldName(name, PG_NAME_RULES);
}

/**
 * The error for two names (of `what`) that land on one PostgreSQL name after lower-casing or shortening.
 *
 * @example
 * ```ts
 * foldNames(['id', 'ID'], PG_NAME_RULES, nameCollision('properties of stream "users"', 'users')); // throws ERR_PG_NAME_COLLISION
 * ```
 */
export const nameCollision =
  (what: string, stream?: string) =>
  (owner: string, name: string, pgName: string): PostgresDestinationError =>
    new PostgresDestinationError(
      'ERR_PG_NAME_COLLISION',
      `The ${what} ${JSON.stringify(owner)} and ${JSON.stringify(name)} both become the PostgreSQL name ` +
        `${JSON.stringify(pgName)} (names are lower-cased and shortened to 63 bytes). Rename one of them in the ` +
        'tap or with a stream map.',
      { stream },
    );

/**
 * Which stream loads each table: two streams must never share one (e.g. "Users" and "users").
 *
 * @example
 * ```ts
 * const tables = tableClaims();
 * tables.claim('"public"."users"', 'Users');
 * tables.claim('"public"."users"', 'users'); // throws ERR_PG_NAME_COLLISION
 * ```
 */
export function tableClaims(): NameClaims {
  return new NameClaims(
    (owner, stream, table) =>
      new PostgresDestinationError(
        'ERR_PG_NAME_COLLISION',
        `Streams "${owner}" and "${stream}" both map to table ${table} (names are lower-cased and shortened), ` +
          'so their rows would mix. Rename one of the streams in the tap (or with a stream map).',
        { stream },
      ),
  );
}

/** Where a stream's rows go. */
export interface TableName {
  schema: string;
  table: string;
}

/**
 * The schema and table of a stream. A stream named `schema-table` (two parts) or `database-schema-table` (three
 * parts, as tap-postgres names them) loads into that schema and table; `default_target_schema`, when set,
 * replaces the schema. Any other stream loads into a table of its own name in `default_target_schema` or `public`.
 *
 * @example
 * ```ts
 * tableNameOf('sales-orders', undefined); // { schema: 'sales', table: 'orders' }
 * tableNameOf('sales-orders', 'raw');     // { schema: 'raw', table: 'orders' }
 * tableNameOf('orders', undefined);       // { schema: 'public', table: 'orders' }
 * ```
 */
export function tableNameOf(stream: string, defaultSchema: string | undefined): TableName {
  const { schema, table } = streamTableName(stream, { defaultSchema, fallbackSchema: 'public' });
  return { schema: toPgName(schema), table: toPgName(table) };
}
