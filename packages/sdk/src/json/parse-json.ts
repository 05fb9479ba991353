import { isSafeNumber, parse as parseLossless } from 'lossless-json';
import { ExactNumber } from './exact-number';

// A number literal can lose digits in a double only if it has 16 or more significant digits, or an exponent of
// three digits (overflow to Infinity, underflow to 0). Lines without either take JSON.parse's fast path.
// One pattern for both, so each line is scanned once, and spelled out (`[\d.][\d.]...` rather than `[\d.]{15}`):
// V8 scans a fixed sequence many times faster than a counted repetition, and this test runs on every line.
const MAY_LOSE_DIGITS = new RegExp(`\\d(?:${'[\\d.]'.repeat(15)}|[eE][+-]?\\d\\d\\d)`);

function parseNumber(text: string): number | ExactNumber {
  return isSafeNumber(text) ? Number(text) : new ExactNumber(text);
}

/** The result of {@link parseJsonExact}. */
export interface ParsedJson {
  /** The value, with {@link ExactNumber} where a JavaScript number would round. */
  value: unknown;
  /** The same value with every number as a plain (possibly rounded) number, for schema validation. */
  approximate: unknown;
  /** True when `value` holds at least one {@link ExactNumber}, i.e. `value !== approximate`. */
  hasExactNumbers: boolean;
}

/**
 * Parses JSON without rounding any number. Throws `SyntaxError` like `JSON.parse`.
 *
 * @example
 * ```ts
 * const { value } = parseJsonExact('{"id": 18446744073709551616}');
 * (value as { id: ExactNumber }).id.text; // '18446744073709551616'
 * ```
 */
export function parseJsonExact(text: string): ParsedJson {
  const approximate: unknown = JSON.parse(text);
  if (!MAY_LOSE_DIGITS.test(text)) return { value: approximate, approximate, hasExactNumbers: false };
  let found = false;
  const value = parseLossless(text, null, (literal: string) => {
    const parsed = parseNumber(literal);
    if (parsed instanceof ExactNumber) found = true;
    return parsed;
  });
  // Only a few lines reach here (16-digit strings such as card-like IDs also match); keep JSON.parse's value when
  // nothing was at risk, so the common case shares one object.
  return found
    ? { value, approximate, hasExactNumbers: true }
    : { value: approximate, approximate, hasExactNumbers: false };
}
