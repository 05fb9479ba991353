import { ExactNumericTypes, type ExactNumber, type PropertySchema } from '@singer-dest/sdk/toolkit';

/** The type of a number whose schema fixes no scale: 29 integer digits and 9 decimals. */
const UNBOUNDED_NUMBER_TYPE = 'DECIMAL(38,9)';

/** DuckDB's exact numbers: BIGINT, HUGEINT (±2^127), DECIMAL up to 38 digits, and VARCHAR text past them. */
const NUMERIC_TYPES = new ExactNumericTypes({
  integers: [
    { type: 'BIGINT', digits: 19, limit: 2n ** 63n },
    { type: 'HUGEINT', digits: 39, limit: 2n ** 127n },
  ],
  decimal: { maxPrecision: 38, nameOf: (p, s) => `DECIMAL(${p},${s})`, parse: /^DECIMAL\((\d+),(\d+)\)$/ },
  text: 'VARCHAR',
  beyond: 'give the property a maximum/minimum in the schema (HUGEINT to 2^127)',
});

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
  const exact = NUMERIC_TYPES.ofProperty(property);
  if (exact !== undefined) return exact;
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

/** What an exact numeric type holds, or undefined for any other type (the SDK's ExactNumericTypes). */
export const numericShape = (type: string) => NUMERIC_TYPES.shapeOf(type);

/** Why a value cannot be stored exactly in a column of `type`, or undefined when it can (the SDK's numericMisfit). */
export const misfitOf = (value: unknown, type: string): string | undefined =>
  NUMERIC_TYPES.misfit(value, type);

/**
 * The narrowest exact type holding a number as written: BIGINT, HUGEINT, DECIMAL(p,s), else VARCHAR (its text).
 *
 * @example
 * ```ts
 * typeHolding(new ExactNumber('0.295')); // 'DECIMAL(4,3)'
 * ```
 */
export const typeHolding = (value: number | ExactNumber): string => NUMERIC_TYPES.holding(value);

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
  const wider = NUMERIC_TYPES.wider(current, wanted);
  if (wider !== undefined) return wider;
  if (current === 'DATE' && wanted === 'TIMESTAMPTZ') return wanted;
  if (current === 'TIMESTAMPTZ' && wanted === 'DATE') return current;
  return 'VARCHAR';
}
