import { schemaNumberText, type PropertySchema, type SchemaNumber } from '@singer-dest/sdk/toolkit';

/** The column types dest-postgres creates. */
export type ColumnType =
  'bigint' | 'numeric' | 'boolean' | 'timestamptz' | 'date' | 'time' | 'text' | 'jsonb';

/**
 * What an existing column is, for widening and writing: one of the types above, `timestamp` (without time zone,
 * from tables made by other tools) or `other` (any type dest-postgres never creates: left alone, values written
 * as text for PostgreSQL to parse).
 */
export type ColumnKind = ColumnType | 'timestamp' | 'other';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function boundOutsideInt64(value: SchemaNumber | boolean | undefined): boolean {
  if (value === undefined || typeof value === 'boolean') return false;
  const text = schemaNumberText(value);
  if (/^-?\d+$/.test(text)) return integerOutsideInt64(text);
  const number = Number(text);
  // A fractional or exponent bound: beyond 2^62 a double cannot tell whether it is inside; numeric is safe then.
  return !Number.isFinite(number) || Math.abs(number) >= 2 ** 62;
}

/**
 * The column type for a property (normalized by the SDK): integer → bigint (numeric when a bound needs more than
 * 64 bits), decimal and number → numeric, boolean → boolean, string → text, date-time / date / time →
 * timestamptz / date / time; object, array and json → jsonb.
 *
 * @example
 * ```ts
 * columnTypeOf(normalizeSchema({ properties: { p: { type: ['null', 'integer'] } } }).properties[0]); // 'bigint'
 * ```
 */
export function columnTypeOf(property: PropertySchema): ColumnType {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = property.constraints;
  switch (property.type) {
    case 'integer':
      return [minimum, maximum, exclusiveMinimum, exclusiveMaximum].some(boundOutsideInt64)
        ? 'numeric'
        : 'bigint';
    case 'decimal':
    case 'number':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'text';
    case 'date-time':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'object':
    case 'array':
    case 'json':
      return 'jsonb';
  }
}

/** True when an integer literal does not fit in a bigint column. */
export function integerOutsideInt64(text: string): boolean {
  if (!/^-?\d+$/.test(text)) return false;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX;
}

/**
 * What an existing column is, from its `pg_type.typname`.
 *
 * @example
 * ```ts
 * kindOfPgType('int8'); // 'bigint'
 * kindOfPgType('varchar'); // 'text'
 * ```
 */
export function kindOfPgType(typname: string): ColumnKind {
  switch (typname) {
    case 'int2':
    case 'int4':
    case 'int8':
      return 'bigint';
    case 'numeric':
      return 'numeric';
    case 'bool':
      return 'boolean';
    case 'timestamptz':
      return 'timestamptz';
    case 'timestamp':
      return 'timestamp';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'citext':
      return 'text';
    case 'jsonb':
    case 'json':
      return 'jsonb';
    default:
      return 'other';
  }
}

/**
 * The type an existing column must become to hold values of type `wanted`, or `undefined` when it already can.
 * The path only ever widens and never loses data: bigint → numeric → text; date → timestamptz; any other mix of
 * scalars → text; anything → jsonb. A text or jsonb column, and a column of a type dest-postgres does not create,
 * is never changed.
 *
 * @example
 * ```ts
 * widenedType('bigint', 'numeric'); // 'numeric'
 * widenedType('numeric', 'bigint'); // undefined (numeric holds integers)
 * widenedType('boolean', 'bigint'); // 'text'
 * widenedType('text', 'jsonb');     // 'jsonb'
 * ```
 */
export function widenedType(existing: ColumnKind, wanted: ColumnType): ColumnType | undefined {
  if (existing === wanted || existing === 'other' || existing === 'jsonb') return undefined;
  if (wanted === 'jsonb') return 'jsonb';
  if (existing === 'text') return undefined;
  if (existing === 'numeric' && wanted === 'bigint') return undefined;
  if (existing === 'bigint' && wanted === 'numeric') return 'numeric';
  if (existing === 'date' && wanted === 'timestamptz') return 'timestamptz';
  if (
    (existing === 'timestamptz' || existing === 'timestamp') &&
    (wanted === 'date' || wanted === 'timestamptz')
  ) {
    return undefined;
  }
  return 'text';
}

/** The `USING` expression that converts a column to its widened type without losing anything. */
export function conversionOf(column: string, to: ColumnType): string {
  if (to === 'jsonb') return `to_jsonb(${column})`;
  return `${column}::${to}`;
}
