import fc from 'fast-check';

/** Strings of `min` to `max` decimal digits. */
const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/**
 * JSON number literals in every spelling the grammar allows: a sign or none, an integer part of up to
 * `maxDigits` + 1 digits without leading zeros, an optional fraction of up to `maxDigits` digits, an optional
 * exponent (e or E, with or without a sign). Long ones are beyond what a double holds.
 */
export function numberLiteral(maxDigits: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom('', '-'),
      fc.oneof(
        fc.constant('0'),
        fc.tuple(fc.constantFrom(...'123456789'), digits(0, maxDigits)).map(([a, b]) => a + b),
      ),
      fc.option(
        digits(1, maxDigits).map((d) => `.${d}`),
        { nil: '' },
      ),
      fc.option(
        fc
          .tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 4))
          .map((p) => p.join('')),
        { nil: '' },
      ),
    )
    .map((parts) => parts.join(''));
}
