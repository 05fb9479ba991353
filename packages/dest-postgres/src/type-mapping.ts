import { ExactNumber, type JsonSchema } from '@singer-dest/sdk';

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

function boundOutsideInt64(value: unknown): boolean {
  let text: string;
  if (typeof value === 'number' || typeof value === 'string') text = String(value);
  else if (value instanceof ExactNumber) text = value.text;
  else return false;
  if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return false;
  const number = Number(text);
  // Beyond 2^62 a double cannot tell whether the bound is inside; numeric is the safe side then.
  return !Number.isFinite(number) || Math.abs(number) >= 2 ** 62;
}

/** The JSON types a property allows (without null), and the string formats of its string branches. */
function describe(schema: JsonSchema): { types: Set<string>; formats: Set<string | undefined> } {
  const types = new Set<string>();
  const formats = new Set<string | undefined>();
  const visit = (node: JsonSchema) => {
    const own = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
    for (const type of own) {
      if (type === 'null') continue;
      types.add(type);
      if (type === 'string') formats.add(typeof node.format === 'string' ? node.format : undefined);
    }
    for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) visit(branch);
    if (
      own.length === 0 &&
      node.anyOf === undefined &&
      node.oneOf === undefined &&
      node.properties !== undefined
    ) {
      types.add('object');
    }
  };
  visit(schema);
  return { types, formats };
}

/**
 * The column type for a property's JSON Schema: integer → bigint (numeric when its minimum or maximum needs more
 * than 64 bits), number → numeric, boolean → boolean, string → text, or timestamptz / date / time when every string
 * branch has that `format`; object and array → jsonb; several types (other than integer with number) or none →
 * jsonb.
 *
 * @example
 * ```ts
 * columnTypeOf({ type: ['null', 'integer'] });                 // 'bigint'
 * columnTypeOf({ type: 'string', format: 'date-time' });       // 'timestamptz'
 * columnTypeOf({ anyOf: [{ type: 'string' }, { type: 'integer' }] }); // 'jsonb'
 * ```
 */
export function columnTypeOf(schema: JsonSchema): ColumnType {
  const { types, formats } = describe(schema);
  if (types.size === 2 && types.has('integer') && types.has('number')) return 'numeric';
  if (types.size !== 1) return 'jsonb';
  const [type] = types;
  switch (type) {
    case 'integer':
      return [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum].some(
        boundOutsideInt64,
      )
        ? 'numeric'
        : 'bigint';
    case 'number':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'string': {
      if (formats.size !== 1) return 'text';
      const [format] = formats;
      if (format === 'date-time') return 'timestamptz';
      if (format === 'date') return 'date';
      if (format === 'time') return 'time';
      return 'text';
    }
    default:
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
