import { decimalShapeOf, digitsOf, ExactNumber, type PropertySchema } from '@singer-dest/sdk';

/** The type of a number whose schema fixes no scale: 29 integer digits and 9 decimals. */
export const UNBOUNDED_NUMBER_TYPE = 'DECIMAL(38,9)';
const LIMITS: Record<string, bigint> = { BIGINT: 2n ** 63n, HUGEINT: 2n ** 127n };

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
  const { bound, scale } = decimalShapeOf(property.constraints);
  if (property.type === 'integer' || (property.type === 'decimal' && scale === 0)) {
    if (bound === undefined || bound.high < LIMITS.BIGINT!) return 'BIGINT';
    return bound.high < LIMITS.HUGEINT! ? 'HUGEINT' : 'VARCHAR';
  }
  if (property.type === 'decimal' && scale !== undefined && scale <= 38) {
    const digits = bound === undefined ? 38 : bound.digits + scale;
    return digits > 38 ? 'VARCHAR' : `DECIMAL(${Math.max(digits, scale + 1)},${scale})`;
  }
  if (property.type === 'decimal' || property.type === 'number')
    return asText ? 'VARCHAR' : UNBOUNDED_NUMBER_TYPE;
  const types: Partial<Record<string, string>> = {
    boolean: 'BOOLEAN',
    string: 'VARCHAR',
    'date-time': 'TIMESTAMPTZ',
    date: 'DATE',
    time: 'TIME',
  };
  return types[property.type] ?? 'JSON';
}

/** Precision and scale of a DECIMAL(p,s) type, or undefined; remembered, as every value of a column asks. */
const decimals = new Map<string, [number, number] | undefined>();
function decimalOf(type: string): [number, number] | undefined {
  if (!decimals.has(type)) {
    const match = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
    decimals.set(type, match === null ? undefined : [Number(match[1]), Number(match[2])]);
  }
  return decimals.get(type);
}

/** Why a value cannot be stored exactly in a column of `type`, or undefined when it can. */
export function misfitOf(value: unknown, type: string): string | undefined {
  if (typeof value !== 'number' && !(value instanceof ExactNumber)) return undefined;
  const limit = LIMITS[type];
  if (limit !== undefined && Number.isSafeInteger(value)) return undefined; // the usual case, without BigInt
  const text = String(value);
  const shown = text.slice(0, 40);
  if (limit !== undefined) {
    if (!/^-?\d+$/.test(text)) return `${shown} is not a whole number, and ${type} holds only those`;
    const n = BigInt(text);
    return n >= limit || n < -limit
      ? `${shown} is beyond ${type}; give the property a maximum/minimum in the schema (HUGEINT to 2^127)`
      : undefined;
  }
  const decimal = decimalOf(type);
  const digits = decimal === undefined ? undefined : digitsOf(value);
  if (decimal === undefined || digits === undefined) return undefined;
  const [precision, scale] = decimal;
  if (digits.fraction > scale)
    return `${shown} has ${digits.fraction} decimals; ${type} keeps ${scale} and would round it`;
  if (digits.integer > precision - scale)
    return `${shown} has ${digits.integer} integer digits; ${type} holds ${precision - scale}`;
  return undefined;
}

/**
 * The narrowest exact type holding a number as written: BIGINT, HUGEINT, DECIMAL(p,s), else VARCHAR (its text).
 *
 * @example
 * ```ts
 * typeHolding(new ExactNumber('0.295')); // 'DECIMAL(4,3)'
 * ```
 */
export function typeHolding(value: number | ExactNumber): string {
  const { integer, fraction } = digitsOf(value) ?? { integer: 39, fraction: 0 };
  if (fraction === 0) return integer <= 18 ? 'BIGINT' : integer <= 38 ? 'HUGEINT' : 'VARCHAR';
  const precision = Math.max(integer, 1) + fraction;
  return precision <= 38 ? `DECIMAL(${precision},${fraction})` : 'VARCHAR';
}
