import {
  decimalShapeOf,
  digitsOf,
  ExactNumber,
  plainNumberText,
  type PropertySchema,
} from '@singer-dest/sdk/toolkit';

/** The type of a number whose schema fixes no scale: 29 integer digits and 9 decimals. */
const UNBOUNDED_NUMBER_TYPE = 'DECIMAL(38,9)';
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

/** A value as a misfit's message shows it: made only for a misfit, not for every value that fits. */
const shown = (value: number | ExactNumber) => String(value).slice(0, 40);
const beyondOf = (value: number | ExactNumber, type: string) =>
  `${shown(value)} is beyond ${type}; give the property a maximum/minimum in the schema (HUGEINT to 2^127)`;

/** Why a value cannot be stored exactly in a column of `type`, or undefined when it can. */
export function misfitOf(value: unknown, type: string): string | undefined {
  if (typeof value !== 'number' && !(value instanceof ExactNumber)) return undefined;
  const limit = LIMITS[type];
  if (limit !== undefined && Number.isSafeInteger(value)) return undefined; // the usual case, without BigInt
  const shape = numericShape(type);
  const digits = shape && digitsOf(value);
  if (shape === undefined || digits === undefined) return undefined;
  if (digits.fraction > shape.scale) {
    return limit === undefined
      ? `${shown(value)} has ${digits.fraction} decimals; ${type} keeps ${shape.scale} and would round it`
      : `${shown(value)} is not a whole number, and ${type} holds only those`;
  }
  if (limit !== undefined) {
    if (digits.integer > 40) return beyondOf(value, type);
    const n = BigInt(plainNumberText(value));
    return n >= limit || n < -limit ? beyondOf(value, type) : undefined;
  }
  return digits.integer > shape.int
    ? `${shown(value)} has ${digits.integer} integer digits; ${type} holds ${shape.int}`
    : undefined;
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

/** Integer digits and scale of a numeric type, or undefined for other types. */
export function numericShape(type: string): { int: number; scale: number } | undefined {
  if (type === 'BIGINT') return { int: 19, scale: 0 };
  if (type === 'HUGEINT') return { int: 39, scale: 0 };
  const decimal = decimalOf(type);
  return decimal && { int: decimal[0] - decimal[1], scale: decimal[1] };
}

/**
 * The type a column must have to hold both what it holds (`current`) and what a new SCHEMA or value asks
 * (`wanted`): the wider number (BIGINT → HUGEINT → DECIMAL of the larger integer part and scale), DATE →
 * TIMESTAMPTZ, and VARCHAR (exact text) when nothing narrower holds both. Never narrows.
 *
 * @example
 * ```ts
 * widerType('DECIMAL(10,2)', 'DECIMAL(12,4)'); // 'DECIMAL(12,4)'
 * widerType('BIGINT', 'VARCHAR'); // 'VARCHAR'
 * ```
 */
export function widerType(current: string, wanted: string): string {
  if (current === wanted) return current;
  const [a, b] = [numericShape(current), numericShape(wanted)];
  if (a && b) {
    if (a.scale === 0 && b.scale === 0) return a.int >= b.int ? current : wanted;
    const [int, scale] = [Math.max(a.int, b.int), Math.max(a.scale, b.scale)];
    return int + scale <= 38 ? `DECIMAL(${int + scale},${scale})` : 'VARCHAR';
  }
  if (current === 'DATE' && wanted === 'TIMESTAMPTZ') return wanted;
  if (current === 'TIMESTAMPTZ' && wanted === 'DATE') return current;
  return 'VARCHAR';
}
