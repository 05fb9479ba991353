import { ExactNumber } from '../json/exact-number';
import { parseJsonExact } from '../json/parse-json';

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/;

/** A decimal literal in one form per value (`1.50`, `15e-1` and `1.5` alike), without a double in between. */
export function canonicalNumber(text: string): string | undefined {
  const match = NUMBER.exec(text.trim());
  if (match === null) return undefined;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = (whole! + fraction).replace(/^0+/, '');
  let scale = Number(exponent) - fraction.length;
  if (digits === '') return '0';
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale++;
  }
  return `${sign}${digits}e${scale}`;
}

function numberText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? canonicalNumber(String(value)) : undefined;
  if (typeof value === 'bigint') return canonicalNumber(value.toString());
  if (value instanceof ExactNumber) return canonicalNumber(value.text);
  if (typeof value === 'string') return canonicalNumber(value);
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ExactNumber)
  );
}

/**
 * Whether a value read back from a destination is the value the input sent, whatever form the target keeps it in:
 * numbers equal as decimals (text, number, bigint or ExactNumber), booleans also as `true`/`false` text, objects
 * and arrays also as JSON text, timestamps equal as instants (`Z` and `+00:00` alike), null and absent alike.
 * `text` maps input strings to how the destination stores them (e.g. a NUL replaced).
 *
 * @example
 * ```ts
 * sameValue(new ExactNumber('1.50'), '1.5'); // true
 * sameValue({ a: [1] }, '{"a":[1]}');        // true
 * ```
 */
export function sameValue(
  expected: unknown,
  actual: unknown,
  text: (s: string) => string = (s) => s,
): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  if (typeof expected === 'number' || expected instanceof ExactNumber) {
    const want = numberText(expected);
    return want !== undefined && want === numberText(actual);
  }
  if (typeof expected === 'boolean') return actual === expected || actual === String(expected);
  if (typeof expected === 'string') {
    const stored = text(expected);
    if (actual === stored) return true;
    if (actual instanceof Date) return Date.parse(stored) === actual.getTime();
    return (
      typeof actual === 'string' &&
      TIMESTAMP.test(stored) &&
      TIMESTAMP.test(actual) &&
      Number.isFinite(Date.parse(stored)) &&
      Date.parse(stored) === Date.parse(actual)
    );
  }
  const value = typeof actual === 'string' ? parseJsonExact(actual).value : actual;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(value) &&
      value.length === expected.length &&
      expected.every((item, i) => sameValue(item, value[i], text))
    );
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(value)) return false;
    const keys = new Set([...Object.keys(expected), ...Object.keys(value)]);
    return [...keys].every((key) => sameValue(expected[key], value[key], text));
  }
  return false;
}
