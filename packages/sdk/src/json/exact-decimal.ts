import { ExactNumber } from './exact-number';

/**
 * A decimal number exactly as a JSON literal wrote it: `sign × digits × 10^exponent`, normalised (no leading or
 * trailing zeros in `digits`; zero is sign 0 with empty digits), so equal values have equal fields.
 */
export interface Decimal {
  readonly sign: -1 | 0 | 1;
  readonly digits: string;
  readonly exponent: number;
}

const ZERO: Decimal = { sign: 0, digits: '', exponent: 0 };
const LITERAL = /^(-)?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Reads a JSON number literal (or what `String(number)` writes, e.g. `1e+21`) as an exact decimal; undefined for
 * anything else (`Infinity`, `NaN`, text).
 *
 * @example
 * ```ts
 * parseDecimal('1.10'); // { sign: 1, digits: '11', exponent: -1 }
 * ```
 */
export function parseDecimal(text: string): Decimal | undefined {
  const match = LITERAL.exec(text);
  if (match === null) return undefined;
  const [, minus, whole = '', fraction = '', exponentText] = match;
  let digits = (whole + fraction).replace(/^0+/, '');
  if (digits.length === 0) return ZERO;
  // An exponent beyond 2^53 cannot be counted exactly; no real schema or record comes near one.
  let exponent = (exponentText === undefined ? 0 : Number(exponentText)) - fraction.length;
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  return { sign: minus ? -1 : 1, digits, exponent };
}

/**
 * The exact decimal of a parsed JSON number. A plain number came from a literal that a double holds exactly as
 * written (the parser makes an {@link ExactNumber} otherwise), so its shortest text is that literal's value.
 *
 * @example
 * ```ts
 * decimalOf(0.29); // 29 × 10^-2, not the binary double's 0.28999999999999998002...
 * ```
 */
export function decimalOf(value: number | ExactNumber): Decimal | undefined {
  return parseDecimal(value instanceof ExactNumber ? value.text : String(value));
}

/** −1, 0 or 1 as `a` is less than, equal to or greater than `b`, exactly. */
export function compareDecimals(a: Decimal, b: Decimal): -1 | 0 | 1 {
  if (a.sign !== b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign === 0) return 0;
  const magnitude = compareMagnitudes(a, b);
  return (a.sign === 1 ? magnitude : -magnitude) as -1 | 0 | 1;
}

function compareMagnitudes(a: Decimal, b: Decimal): -1 | 0 | 1 {
  // The position of the leading digit decides, unless it is the same; then the digits compare as text.
  const aLead = a.digits.length + a.exponent;
  const bLead = b.digits.length + b.exponent;
  if (aLead !== bLead) return aLead < bLead ? -1 : 1;
  const length = Math.max(a.digits.length, b.digits.length);
  const aDigits = a.digits.padEnd(length, '0');
  const bDigits = b.digits.padEnd(length, '0');
  return aDigits === bDigits ? 0 : aDigits < bDigits ? -1 : 1;
}

/** True when the decimal has no fraction (`1.0`, `1e3` and `-0` are integers). */
export function isIntegral(value: Decimal): boolean {
  return value.exponent >= 0;
}

/**
 * True when `value / step` is an integer, in exact decimal arithmetic: `0.29` is a multiple of `0.01` and
 * `0.295` is not, although binary floating point says the opposite of both. `step` must be positive.
 *
 * @example
 * ```ts
 * isMultipleOf(parseDecimal('12345678901234567890.1234567890')!, parseDecimal('1e-10')!); // true
 * ```
 */
export function isMultipleOf(value: Decimal, step: Decimal): boolean {
  if (value.sign === 0) return true;
  // digits carry no trailing zero, so a value with finer decimals than the step cannot be a multiple of it.
  if (value.exponent < step.exponent) return false;
  if (step.digits === '1') return true; // a power of ten: the common case (numeric(p,s) columns)
  // value / step = (v × 10^k) / s. Only the factors 2 and 5 of s need the 10^k, and s has fewer of each than
  // 4 × its decimal digits, so k is capped there (no huge power for a value like 1e300).
  const k = Math.min(value.exponent - step.exponent, step.digits.length * 4);
  return (BigInt(value.digits) * 10n ** BigInt(k)) % BigInt(step.digits) === 0n;
}

/** 10^0 ... 10^22: every one a double holds exactly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);
const ROUNDS_SAFELY = 2 ** 51;

/**
 * True when a plain number (a literal a double holds as written: see {@link decimalOf}) has at most `places`
 * decimals, i.e. is a multiple of 10^-places; undefined when this cannot tell without the exact decimal. Float
 * arithmetic instead of the number's shortest text, which costs a `String(number)` per value: the value times
 * 10^places is within a rounding of an integer k exactly when it is such a multiple, and then k / 10^places,
 * correctly rounded, is the value again (10^places exact and |k| < 2^51, so the rounding cannot reach 0.5).
 *
 * @example
 * ```ts
 * hasAtMostDecimals(0.29, 2); // true (0.29 × 100 is 28.999999999999996 in binary, still within a rounding of 29)
 * hasAtMostDecimals(0.295, 2); // false
 * ```
 */
export function hasAtMostDecimals(value: number, places: number): boolean | undefined {
  if (Number.isInteger(value)) return true;
  const power = EXACT_POWERS_OF_TEN[places];
  if (power === undefined) return undefined;
  const scaled = value * power;
  if (!(Math.abs(scaled) < ROUNDS_SAFELY)) return undefined;
  return Math.round(scaled) / power === value;
}
