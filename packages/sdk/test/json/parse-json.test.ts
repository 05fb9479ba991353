import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSafeNumber, parse as parseLossless } from 'lossless-json';
import { ExactNumber, parseJsonExact } from '../../src/index';
import { numberLiteral as numberLiteralOf } from '../support/number-literals';

/**
 * The oracle: the exact parse as it was before the marker walk, lossless-json's parser, with an ExactNumber for
 * each literal that lossless-json's isSafeNumber calls unsafe. (The old code took lossless-json's parse only for a
 * line with a 16-digit run or a three-digit exponent, so 1e40, an integer beyond 2^53 that a double holds only
 * approximately, became an ExactNumber only when another literal of its line was long; now always.) Duplicate
 * keys: the last one wins, as in JSON.parse (lossless-json throws by default on a duplicate key with another value).
 */
function oracle(text: string): { value: unknown; approximate: unknown; hasExactNumbers: boolean } {
  const approximate: unknown = JSON.parse(text);
  const value: unknown = parseLossless(text, null, {
    parseNumber: (literal: string) => {
      if (isSafeNumber(literal)) return Number(literal);
      return new ExactNumber(literal);
    },
    onDuplicateKey: ({ newValue }) => newValue,
  });
  // Counted in the result: an ExactNumber under a duplicate key that a later one replaced is gone.
  return holdsExactNumber(value)
    ? { value, approximate, hasExactNumbers: true }
    : { value: approximate, approximate, hasExactNumbers: false };
}

function holdsExactNumber(value: unknown): boolean {
  if (value instanceof ExactNumber) return true;
  return typeof value === 'object' && value !== null && Object.values(value).some(holdsExactNumber);
}

/** Number literals of every spelling, with many that a double cannot hold (long, tiny, huge, -0, 2^53 ± 1). */
const numberLiteral = fc.oneof(
  numberLiteralOf(40),
  fc.constantFrom(
    '-0',
    '-0.0',
    '0.0000000000000000',
    '9007199254740991',
    '9007199254740992',
    '-9007199254740993',
    '9007199254740993.0',
    '1e400',
    '4.9e-324',
    '2.2250738585072014e-308',
    '123456789012345.6',
    '1234567890123456.7',
    '0.1000000000000000055511151231257827',
    '12345678901234567890.1234567890',
    '1.0000000000000000',
    '0.000000000000000000000000000000000000000001',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

/** Strings that hold what a literal scan could trip on: digit runs after ':' or ',', quotes, escapes, unicode. */
const stringLiteral = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary', maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc
    .tuple(
      fc.constantFrom('', ':', ',', '[', ' ', '\\"', '\\\\', 'x'),
      numberLiteral,
      fc.constantFrom('', ',', '}', ']', ' ', '\\"'),
    )
    .map(([a, n, b]) => `"${a}${n}${b}"`),
  fc.constantFrom('"\\u0001"', '"\\ud83d\\ude00"', '"\\ud800"', '"a\\\\"', '"\\"12345678901234567890\\""'),
);

const space = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n ');
const key = fc.oneof(
  fc.constantFrom('"a"', '"b"', '"__proto__"', '"constructor"', '"a\\u0062"', '"12345678901234567890"'),
  stringLiteral,
);

/** JSON texts with random white space, duplicate keys and `__proto__` keys. */
const { json } = fc.letrec<{ json: string; array: string; object: string }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberLiteral,
    numberLiteral,
    stringLiteral,
    fc.constantFrom('true', 'false', 'null'),
    tie('array'),
    tie('object'),
  ),
  array: fc
    .array(fc.tuple(space, tie('json'), space), { maxLength: 5 })
    .map((items) => `[${items.map((i) => i.join('')).join(',')}]`),
  object: fc
    .array(fc.tuple(space, key, space, space, tie('json'), space), { maxLength: 6 })
    .map(
      (entries) => `{${entries.map(([s1, k, s2, s3, v, s4]) => `${s1}${k}${s2}:${s3}${v}${s4}`).join(',')}}`,
    ),
}));
const text = fc.tuple(space, json, space).map((parts) => parts.join(''));

describe('parseJsonExact', () => {
  it('gives what the lossless-json parse gives: the same ExactNumber literals, numbers, keys and strings', () => {
    fc.assert(
      fc.property(text, (t) => {
        const actual = parseJsonExact(t);
        const expected = oracle(t);
        assert.deepStrictEqual(actual.value, expected.value);
        assert.deepStrictEqual(actual.approximate, expected.approximate);
        assert.equal(actual.hasExactNumbers, expected.hasExactNumbers);
      }),
      { numRuns: 5000 },
    );
  });

  it('throws JSON.parse’s own error for a text that is not JSON, and parses whatever JSON.parse parses', () => {
    const mutated = fc
      .tuple(
        text,
        fc.nat(),
        fc.constantFrom('', '"', ',', '}', ']', ':', '-', '.', 'e', '1', '\\', 'x'),
        fc.boolean(),
      )
      .map(([t, at, insert, replace]) => {
        const i = t.length === 0 ? 0 : at % t.length;
        return t.slice(0, i) + insert + t.slice(replace ? i + 1 : i);
      });
    fc.assert(
      fc.property(mutated, (t) => {
        let expected: unknown;
        try {
          JSON.parse(t);
        } catch (error) {
          expected = error;
        }
        if (expected === undefined) {
          assert.deepStrictEqual(parseJsonExact(t).value, oracle(t).value);
        } else {
          assert.throws(() => parseJsonExact(t), {
            name: 'SyntaxError',
            message: (expected as Error).message,
          });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps each exact literal at its place among duplicate keys and __proto__ keys', () => {
    const t =
      '{"a": 12345678901234567890, "a": 1, "b": {"x": 1e400}, "b": {"y": [0.10000000000000000555, 2]},' +
      ' "__proto__": -98765432109876543210.5, "s": ":12345678901234567890,"}';
    const { value, approximate, hasExactNumbers } = parseJsonExact(t);
    assert.equal(hasExactNumbers, true);
    const v = value as Record<string, unknown>;
    assert.equal(v.a, 1);
    assert.deepStrictEqual(v.b, { y: [new ExactNumber('0.10000000000000000555'), 2] });
    assert.ok(Object.hasOwn(v, '__proto__'));
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepStrictEqual(
      Object.getOwnPropertyDescriptor(v, '__proto__')?.value,
      new ExactNumber('-98765432109876543210.5'),
    );
    assert.equal(v.s, ':12345678901234567890,');
    // The approximate value is a separate tree where it differs, with plain numbers.
    const a = approximate as Record<string, unknown>;
    assert.deepStrictEqual(a.b, { y: [0.1, 2] });
    assert.equal(Object.getOwnPropertyDescriptor(a, '__proto__')?.value, Number('-98765432109876543210.5'));
    assert.equal(Object.getPrototypeOf(a), Object.prototype);
  });

  it('returns one object for value and approximate when a long literal needs no exactness', () => {
    const parsed = parseJsonExact(
      '{"id":9000000000000011,"amount":71959.7458812905,"s":"12345678901234567890"}',
    );
    assert.equal(parsed.hasExactNumbers, false);
    assert.equal(parsed.value, parsed.approximate);
  });

  it('takes a whole text that is one literal', () => {
    assert.deepStrictEqual(
      parseJsonExact(' 18446744073709551616 ').value,
      new ExactNumber('18446744073709551616'),
    );
    assert.equal(parseJsonExact(' 18446744073709551616 ').approximate, 2 ** 64);
  });
});
