import { ExactNumber, stringifyJson, type JsonSchema } from '@singer-dest/sdk';

const INT64 = 2n ** 63n;
const INT128 = 2n ** 127n;

/** A number literal's significant digits (no leading zeros) and where its point falls in them. */
function literalOf(text: string): { digits: string; point: number } {
  const [mantissa = '', exponent = '0'] = text.replace(/^-/, '').toLowerCase().split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = (whole + fraction).replace(/^0+/, '');
  return { digits, point: whole.length + Number(exponent) - ((whole + fraction).length - digits.length) };
}

/** Integer and fraction digits of a number literal ('-1.50e2' → int 3, frac 0; '0.0012' → int 0, frac 4). */
function digitsOf(text: string): { int: number; frac: number } {
  const { digits, point } = literalOf(text);
  const significant = digits.replace(/0+$/, '');
  if (significant === '') return { int: 0, frac: 0 };
  return { int: Math.max(point, 0), frac: Math.max(significant.length - point, 0) };
}

/**
 * What a value's bounds allow: `digits`, the integer digits of the largest magnitude, and `high`, the largest
 * magnitude with a negative bound counted one less (an integer type holds one more negative value). Undefined
 * when the schema gives no bound.
 */
function boundOf(schema: JsonSchema): { digits: number; high: bigint } | undefined {
  const isNumber = (b: unknown): b is number | ExactNumber =>
    typeof b === 'number' || b instanceof ExactNumber;
  const draft4 = (flag: unknown) => flag === true;
  const bounds: [unknown, boolean][] = [
    [schema.maximum, draft4(schema.exclusiveMaximum)],
    [schema.minimum, draft4(schema.exclusiveMinimum)],
    [schema.exclusiveMaximum, true],
    [schema.exclusiveMinimum, true],
  ];
  let found: { digits: number; high: bigint } | undefined;
  for (const [bound, exclusive] of bounds) {
    if (!isNumber(bound)) continue;
    const text = String(bound);
    const { digits, point } = literalOf(text);
    const whole = point <= 0 ? 0n : BigInt(digits.padEnd(point, '0').slice(0, point) || '0');
    const magnitude = exclusive && digits.length <= point && whole > 0n ? whole - 1n : whole;
    const high = text.startsWith('-') && magnitude > 0n ? magnitude - 1n : magnitude;
    const length = magnitude === 0n ? 1 : magnitude.toString().length;
    found = {
      digits: Math.max(found?.digits ?? 0, length),
      high: high > (found?.high ?? -1n) ? high : found!.high,
    };
  }
  return found;
}

/** The decimal scale `multipleOf` fixes (10^-s), or undefined when it is absent or not a power of ten. */
function scaleOf(schema: JsonSchema): number | undefined {
  const step = schema.multipleOf;
  if (typeof step !== 'number' && !(step instanceof ExactNumber)) return undefined;
  const match = /^(?:1(?:\.0*)?|0?\.(0*)1|1e-(\d+))$/i.exec(String(step));
  if (match === null) return undefined;
  return match[2] !== undefined ? Number(match[2]) : (match[1]?.length ?? -1) + 1;
}

/**
 * The DuckDB column type of one JSON Schema property (see the README's type table). Integers are BIGINT, or
 * HUGEINT when their bounds pass 64 bits; numbers are DECIMAL(p,s) when multipleOf fixes s, else DECIMAL(38,9)
 * or (asText) VARCHAR; what no exact type holds is VARCHAR text.
 *
 * @example
 * ```ts
 * columnTypeOf({ type: ['null', 'number'], multipleOf: 0.01, maximum: 1e8 }, false); // 'DECIMAL(11,2)'
 * ```
 */
export function columnTypeOf(schema: JsonSchema, asText: boolean): string {
  const branches = schema.anyOf ?? schema.oneOf;
  const nonNull = branches?.filter((b) => b.type !== 'null');
  if (nonNull !== undefined) return nonNull.length === 1 ? columnTypeOf(nonNull[0]!, asText) : 'JSON';
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t) => t !== 'null');
  if (types.length !== 1) return 'JSON';
  const bound = boundOf(schema);
  switch (types[0]) {
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return { 'date-time': 'TIMESTAMPTZ', date: 'DATE', time: 'TIME' }[schema.format ?? ''] ?? 'VARCHAR';
    case 'integer':
      return bound === undefined || bound.high < INT64
        ? 'BIGINT'
        : bound.high < INT128
          ? 'HUGEINT'
          : 'VARCHAR';
    case 'number': {
      const scale = scaleOf(schema);
      if (scale === 0) return columnTypeOf({ ...schema, type: 'integer' }, asText);
      if (scale === undefined || scale > 38) return asText ? 'VARCHAR' : 'DECIMAL(38,9)';
      const digits = bound === undefined ? 38 : bound.digits + scale;
      return digits > 38 ? 'VARCHAR' : `DECIMAL(${Math.max(digits, scale + 1)},${scale})`;
    }
    default:
      return 'JSON';
  }
}

/** Why a value cannot be stored exactly in a column of `type`, or undefined when it can. */
export function misfitOf(value: unknown, type: string): string | undefined {
  if (typeof value !== 'number' && !(value instanceof ExactNumber)) return undefined;
  const text = String(value);
  if (type === 'BIGINT' || type === 'HUGEINT') {
    const limit = type === 'BIGINT' ? INT64 : INT128;
    if (!/^-?\d+$/.test(text))
      return `${text.slice(0, 40)} is not a whole number, and ${type} holds only those`;
    const n = BigInt(text);
    return n >= limit || n < -limit
      ? `${text.slice(0, 40)} is beyond ${type}; give the property a maximum/minimum in the schema (HUGEINT to 2^127)`
      : undefined;
  }
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (decimal === null) return undefined;
  const [precision, scale] = [Number(decimal[1]), Number(decimal[2])];
  const { int, frac } = digitsOf(text);
  if (frac > scale)
    return `${text.slice(0, 40)} has ${frac} decimals; ${type} keeps ${scale} and would round it`;
  if (int > precision - scale)
    return `${text.slice(0, 40)} has ${int} integer digits; ${type} holds ${precision - scale}`;
  return undefined;
}

/** A value as one CSV field for DuckDB's read_csv: NULL is empty, text is quoted, JSON columns get JSON text. */
export function csvFieldOf(value: unknown, type: string): string {
  if (value === null || value === undefined) return '';
  if (type === 'JSON') return `"${stringifyJson(value).replace(/"/g, '""')}"`;
  if (typeof value === 'string') return `"${value.replace(/"/g, '""')}"`;
  if (value instanceof ExactNumber) return value.text;
  if (typeof value === 'object') return `"${stringifyJson(value).replace(/"/g, '""')}"`;
  return `${value as number | boolean}`;
}
