import { decimalOf, parseDecimal, type Decimal } from '../json/exact-decimal';
import type { ExactNumber } from '../json/exact-number';
import { schemaNumberText, type PropertyConstraints, type SchemaNumber } from './stream-schema';

/** What a property's numeric constraints fix, for sizing an exact column type (`NUMERIC(p,s)`, `DECIMAL(p,s)`). */
export interface DecimalShape {
  /**
   * From the bounds (undefined without any): `digits`, the integer digits of the largest whole magnitude they
   * allow (an exclusive whole bound counts one less), and `high`, that magnitude with a negative bound counted one
   * less again (an integer type holds one more negative value): an integer type holding `high` holds them all.
   */
  readonly bound?: { readonly digits: number; readonly high: bigint };
  /** The decimals `multipleOf` fixes when it is 10^-s (`0.01` → 2, `1` → 0); undefined otherwise. */
  readonly scale?: number;
}

/** The whole part of |d| (digits before the point), exactly. */
function wholePart(d: Decimal): bigint {
  if (d.sign === 0 || d.digits.length + d.exponent <= 0) return 0n;
  return BigInt(d.exponent >= 0 ? d.digits + '0'.repeat(d.exponent) : d.digits.slice(0, d.exponent));
}

/**
 * The exact shape a property's bounds and `multipleOf` give (draft-4 boolean and draft-6 numeric exclusive
 * bounds alike), computed on the literals, never through a double.
 *
 * @example
 * ```ts
 * decimalShapeOf({ minimum: -99999.99, maximum: 99999.99, multipleOf: 0.01 }); // bound: 5 digits, high 99999n; scale 2
 * decimalShapeOf({ maximum: new ExactNumber('18446744073709551615') }).bound?.high; // 18446744073709551615n
 * ```
 */
export function decimalShapeOf(constraints: PropertyConstraints): DecimalShape {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = constraints;
  const bounds: [SchemaNumber | boolean | undefined, boolean][] = [
    [maximum, exclusiveMaximum === true],
    [minimum, exclusiveMinimum === true],
    [exclusiveMaximum, true],
    [exclusiveMinimum, true],
  ];
  let bound: DecimalShape['bound'];
  for (const [value, exclusive] of bounds) {
    if (value === undefined || typeof value === 'boolean') continue;
    const d = parseDecimal(schemaNumberText(value));
    if (d === undefined) continue;
    let magnitude = wholePart(d);
    if (exclusive && d.exponent >= 0 && magnitude > 0n) magnitude -= 1n; // a whole exclusive bound
    const high = d.sign < 0 && magnitude > 0n ? magnitude - 1n : magnitude;
    const digits = Math.max(bound?.digits ?? 0, magnitude.toString().length);
    bound = { digits, high: bound && bound.high > high ? bound.high : high };
  }
  const step = multipleOf === undefined ? undefined : parseDecimal(schemaNumberText(multipleOf));
  const scale = step?.digits === '1' && step.exponent <= 0 ? -step.exponent : undefined;
  return { bound, scale };
}

/**
 * A number's integer digits and decimals as written, exactly ('-1.50e2' → 3 and 0; '0.0012' → 0 and 4), or
 * undefined for a value that is no number.
 *
 * @example
 * ```ts
 * digitsOf(new ExactNumber('12345678901234567890.123')); // { integer: 20, fraction: 3 }
 * ```
 */
export function digitsOf(value: number | ExactNumber): { integer: number; fraction: number } | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return { integer: value === 0 ? 0 : String(Math.abs(value)).length, fraction: 0 };
  }
  const text = typeof value === 'number' ? String(value) : value.text;
  const point = text.indexOf('.');
  if (point > 0 && !/[eE]/.test(text) && !text.endsWith('0')) {
    // The common literal, -123.45, counted without the general parse (a trailing zero would need trimming).
    const whole = text.slice(text.startsWith('-') ? 1 : 0, point).replace(/^0+/, '');
    return { integer: whole.length, fraction: text.length - point - 1 };
  }
  const d = decimalOf(value);
  if (d === undefined) return undefined;
  return { integer: Math.max(d.digits.length + d.exponent, 0), fraction: Math.max(-d.exponent, 0) };
}

/**
 * A number times 10^scale as an exact integer (a fixed-scale decimal's stored value), or undefined when the value
 * has more decimals than `scale` or is no number.
 *
 * @example
 * ```ts
 * scaledIntegerOf(12.5, 2); // 1250n
 * scaledIntegerOf(new ExactNumber('-0.000000001'), 9); // -1n
 * ```
 */
export function scaledIntegerOf(value: number | ExactNumber, scale: number): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value) * 10n ** BigInt(scale);
  const text = typeof value === 'number' ? String(value) : value.text;
  const point = text.indexOf('.');
  // The common literal, 123.45 (no exponent, no more decimals than the scale), without the general parse.
  if (point > 0 && point >= text.length - 1 - scale && !/[eE]/.test(text)) {
    const digits = text.slice(0, point) + text.slice(point + 1).padEnd(scale, '0');
    // Up to 15 digits a double holds exactly, and BigInt of a number is much faster than of a string.
    return digits.length <= 15 ? BigInt(Number(digits)) : BigInt(digits);
  }
  const d = decimalOf(value);
  if (d === undefined || d.exponent + scale < 0) return undefined;
  if (d.sign === 0) return 0n;
  const magnitude = BigInt(d.digits + '0'.repeat(d.exponent + scale));
  return d.sign < 0 ? -magnitude : magnitude;
}

/**
 * A number's text without an exponent, exactly (`1e+21` → `1000000000000000000000`, `1.5e-7` → `0.00000015`),
 * for a reader that takes only plain decimals; a literal without one (or an exponent beyond ±1000) is returned as
 * it is.
 *
 * @example
 * ```ts
 * plainNumberText(1e21); // '1000000000000000000000'
 * plainNumberText(new ExactNumber('-2.50E-3')); // '-0.0025'
 * ```
 */
export function plainNumberText(value: number | ExactNumber): string {
  const text = typeof value === 'number' ? String(value) : value.text;
  if (!/[eE]/.test(text)) return text;
  const d = decimalOf(value);
  // Beyond 1000 digits no plain reader takes it either: left as written rather than spelt out.
  if (d === undefined || Math.abs(d.exponent) > 1000) return text;
  const fraction = Math.max(-d.exponent, 0);
  const digits = (d.digits + '0'.repeat(Math.max(d.exponent, 0))).padStart(fraction + 1, '0');
  const plain = fraction === 0 ? digits : `${digits.slice(0, -fraction)}.${digits.slice(-fraction)}`;
  return d.sign < 0 ? `-${plain}` : plain;
}
