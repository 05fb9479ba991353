import {
  decimalShapeOf,
  ExactNumber,
  numericMisfit,
  shapeHolding,
  widerShape,
  type NumericShape,
  type PropertySchema,
} from '@singer-dest/sdk/toolkit';

/** The type of a number whose schema fixes no scale: 29 integer digits and 9 decimals. */
const UNBOUNDED_NUMBER_TYPE = 'DECIMAL(38,9)';

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
    if (bound === undefined || bound.high < 2n ** 63n) return 'BIGINT';
    return bound.high < 2n ** 127n ? 'HUGEINT' : 'VARCHAR';
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

/** What each exact numeric type holds (DECIMAL(p,s): p-s integer digits and s decimals); remembered per type. */
const shapes = new Map<string, NumericShape | undefined>([
  ['BIGINT', { int: 19, scale: 0, limit: 2n ** 63n }],
  ['HUGEINT', { int: 39, scale: 0, limit: 2n ** 127n }],
]);
export function numericShape(type: string): NumericShape | undefined {
  if (!shapes.has(type)) {
    const match = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
    shapes.set(
      type,
      match === null ? undefined : { int: Number(match[1]) - Number(match[2]), scale: Number(match[2]) },
    );
  }
  return shapes.get(type);
}

/** The DECIMAL of a shape, else VARCHAR (exact text) past DuckDB's 38 digits. */
const decimalOf = ({ int, scale }: NumericShape) =>
  int + scale <= 38 ? `DECIMAL(${int + scale},${scale})` : 'VARCHAR';

/** Why a value cannot be stored exactly in a column of `type`, or undefined when it can (the SDK's numericMisfit). */
export function misfitOf(value: unknown, type: string): string | undefined {
  if (typeof value !== 'number' && !(value instanceof ExactNumber)) return undefined;
  const shape = numericShape(type);
  return (
    shape &&
    numericMisfit(value, shape, type, 'give the property a maximum/minimum in the schema (HUGEINT to 2^127)')
  );
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
  const shape = shapeHolding(value);
  if (shape.scale > 0) return decimalOf(shape);
  return shape.int <= 18 ? 'BIGINT' : shape.int <= 38 ? 'HUGEINT' : 'VARCHAR';
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
    const wider = widerShape(a, b);
    return wider === a ? current : wider === b ? wanted : decimalOf(wider);
  }
  if (current === 'DATE' && wanted === 'TIMESTAMPTZ') return wanted;
  if (current === 'TIMESTAMPTZ' && wanted === 'DATE') return current;
  return 'VARCHAR';
}
