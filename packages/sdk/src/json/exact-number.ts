import { randomBytes } from 'node:crypto';

// JSON.stringify cannot write a raw number literal from an object (JSON.rawJSON needs Node 21+), so ExactNumber's
// toJSON writes a marker string that stringifyJson then unquotes. The marker carries a random per-process nonce,
// so no string a tap sends can be mistaken for it.
const MARKER = `__exact_${randomBytes(6).toString('hex')}__`;
const MARKER_PATTERN = new RegExp(`"${MARKER}([^"]*)"`, 'g');

/**
 * A JSON number that a JavaScript number cannot hold exactly: an integer beyond 2^53, a decimal with more digits
 * than a double keeps, or an exponent out of range. `text` is the number exactly as the input wrote it.
 *
 * @example
 * ```ts
 * const value = record.amount; // 12345678901234567890.123456789
 * if (value instanceof ExactNumber) copyText += value.text; // written digit for digit
 * String(value); // same text
 * ```
 */
export class ExactNumber {
  constructor(readonly text: string) {}

  /** True when the literal has no fraction and no exponent. */
  get isInteger(): boolean {
    return !/[.eE]/.test(this.text);
  }

  /** The value as a bigint; only for integers. */
  toBigInt(): bigint {
    if (!this.isInteger) throw new RangeError(`${this.text} is not an integer`);
    return BigInt(this.text);
  }

  /** The nearest JavaScript number (lossy): for comparisons only, never for writing. */
  valueOf(): number {
    return Number(this.text);
  }

  toString(): string {
    return this.text;
  }

  /** Used by {@link stringifyJson}; plain `JSON.stringify` would write a marker string instead of the number. */
  toJSON(): string {
    return MARKER + this.text;
  }
}

/**
 * `JSON.stringify` that writes {@link ExactNumber} values as the exact number literals they came as.
 *
 * @example
 * ```ts
 * stringifyJson({ id: new ExactNumber('18446744073709551616') }); // '{"id":18446744073709551616}'
 * ```
 */
export function stringifyJson(value: unknown): string {
  const text = JSON.stringify(value);
  // The fast path: most values hold no ExactNumber, and `includes` is a plain substring scan.
  return text.includes(MARKER) ? text.replace(MARKER_PATTERN, '$1') : text;
}
