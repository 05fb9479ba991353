import {
  ExactNumber,
  schemaNumberText,
  stringifyJson,
  type PropertyConstraints,
  type PropertySchema,
  type SchemaNumber,
} from '@singer-dest/sdk';

/** The type of a number whose schema fixes no scale: 29 integer digits and 9 decimals. */
export const UNBOUNDED_NUMBER_TYPE = 'DECIMAL(38,9)';
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
 * What a property's bounds allow: `digits`, the integer digits of the largest magnitude, and `high`, the largest
 * magnitude with a negative bound counted one less (an integer type holds one more negative value). Undefined
 * when the schema gives no bound.
 */
function boundOf(constraints: PropertyConstraints): { digits: number; high: bigint } | undefined {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = constraints;
  const bounds: [SchemaNumber | boolean | undefined, boolean][] = [
    [maximum, exclusiveMaximum === true],
    [minimum, exclusiveMinimum === true],
    [exclusiveMaximum, true],
    [exclusiveMinimum, true],
  ];
  let found: { digits: number; high: bigint } | undefined;
  for (const [bound, exclusive] of bounds) {
    if (bound === undefined || typeof bound === 'boolean') continue;
    const text = schemaNumberText(bound);
    const { digits, point } = literalOf(text);
    const whole = point <= 0 ? 0n : BigInt(digits.padEnd(point, '0').slice(0, point) || '0');
    const magnitude = exclusive && digits.length <= point && whole > 0n ? whole - 1n : whole;
    const high = text.startsWith('-') && magnitude > 0n ? magnitude - 1n : magnitude;
    const length = magnitude === 0n ? 1 : magnitude.toString().length;
    const higher = found === undefined || high > found.high ? high : found.high;
    found = { digits: Math.max(found?.digits ?? 0, length), high: higher };
  }
  return found;
}

/** The decimal scale `multipleOf` fixes (10^-s), or undefined when it is absent or not a power of ten. */
function scaleOf(step: SchemaNumber | undefined): number | undefined {
  if (step === undefined) return undefined;
  const { digits, point } = literalOf(schemaNumberText(step));
  return /^10*$/.test(digits) && point <= 1 ? 1 - point : undefined;
}

/**
 * The DuckDB column type of one property, from the SDK's normalized schema (the README's type table): integers
 * are BIGINT, or HUGEINT when their bounds pass 64 bits; decimals (multipleOf 10^-s) DECIMAL(p,s) sized by the
 * bounds; other numbers DECIMAL(38,9), or VARCHAR with `asText`; what no exact type holds is VARCHAR text.
 *
 * @example
 * ```ts
 * const [price] = normalizeSchema({ properties: { price: { type: 'number', multipleOf: 0.01, maximum: 1e8 } } }).properties;
 * columnTypeOf(price!, false); // 'DECIMAL(11,2)'
 * ```
 */
export function columnTypeOf(property: PropertySchema, asText: boolean): string {
  const bound = boundOf(property.constraints);
  const scale = property.type === 'decimal' ? scaleOf(property.constraints.multipleOf) : undefined;
  switch (property.type) {
    case 'integer':
      return bound === undefined || bound.high < INT64
        ? 'BIGINT'
        : bound.high < INT128
          ? 'HUGEINT'
          : 'VARCHAR';
    case 'decimal':
      if (scale === 0) return columnTypeOf({ ...property, type: 'integer' }, asText);
      if (scale !== undefined && scale <= 38) {
        const digits = bound === undefined ? 38 : bound.digits + scale;
        return digits > 38 ? 'VARCHAR' : `DECIMAL(${Math.max(digits, scale + 1)},${scale})`;
      }
      return asText ? 'VARCHAR' : UNBOUNDED_NUMBER_TYPE;
    case 'number':
      return asText ? 'VARCHAR' : UNBOUNDED_NUMBER_TYPE;
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return 'VARCHAR';
    case 'date-time':
      return 'TIMESTAMPTZ';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
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
