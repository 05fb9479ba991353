import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExactNumber, parseJsonExact, stringifyJson } from '../../src/index';
import { numberLiteral } from '../support/number-literals';

describe('exact numbers', () => {
  it('keep integers beyond 2^53 and long decimals digit for digit', () => {
    const { value, hasExactNumbers } = parseJsonExact(
      '{"a":9007199254740993,"b":0.1000000000000000055511151231257827,"c":[1e400]}',
    );
    assert.equal(hasExactNumbers, true);
    const v = value as { a: ExactNumber; b: ExactNumber; c: ExactNumber[] };
    assert.equal(v.a.text, '9007199254740993');
    assert.equal(v.a.isInteger, true);
    assert.equal(v.a.toBigInt(), 9007199254740993n);
    assert.equal(v.b.text, '0.1000000000000000055511151231257827');
    assert.equal(v.c[0]!.text, '1e400');
  });

  it('leave ordinary numbers as numbers, and 16-digit strings alone', () => {
    const { value, hasExactNumbers } = parseJsonExact(
      '{"a":1.5,"b":"1234567890123456789","c":9007199254740991}',
    );
    assert.equal(hasExactNumbers, false);
    assert.deepEqual(value, { a: 1.5, b: '1234567890123456789', c: 9007199254740991 });
  });

  it('write back exactly with stringifyJson', () => {
    const text =
      '{"a":123456789012345678901234567890,"nested":{"d":-0.00000000000000000000123456789012345678},"s":"x"}';
    assert.equal(stringifyJson(parseJsonExact(text).value), text);
    assert.equal(stringifyJson({ plain: [1, 'two'] }), '{"plain":[1,"two"]}');
  });

  it('are validated through their approximate value', () => {
    const parsed = parseJsonExact('{"a":123456789012345678901}');
    assert.deepEqual(parsed.approximate, { a: 123456789012345680000 });
  });

  it('catch a three-digit exponent on its own (the fast path must not miss it)', () => {
    for (const literal of ['1e400', '-2.5E+308', '4.9e-324', '1e-400']) {
      const { value, hasExactNumbers } = parseJsonExact(`{"x":${literal}}`);
      assert.equal(hasExactNumbers, true, literal);
      assert.equal((value as { x: ExactNumber }).x.text, literal);
    }
    assert.equal(parseJsonExact('{"x":1e15,"y":2.5E-12}').hasExactNumbers, false);
    // 1e99 stands for an integer beyond 2^53, which a double holds only approximately (lossless-json's rule).
    assert.deepEqual(parseJsonExact('{"x":1e99}').value, { x: new ExactNumber('1e99') });
  });

  it('never change a number literal: every literal comes back as the same number or the same text', () => {
    const literal = numberLiteral(30);
    fc.assert(
      fc.property(literal, (text) => {
        const { value } = parseJsonExact(`{"n":${text}}`);
        const n = (value as { n: number | ExactNumber }).n;
        // Either the text itself, or a plain number that lost none of the literal's digits.
        if (n instanceof ExactNumber) assert.equal(n.text, text);
        else assert.ok(isExactlyRepresented(text, n), `${text} became ${n}`);
      }),
      { numRuns: 2000 },
    );
  });
});

/** True when the literal's decimal value equals the double exactly as far as the literal's digits go. */
function isExactlyRepresented(literal: string, n: number): boolean {
  // Same rule lossless-json uses: the shortest round-trip digits of the double equal the literal's digits.
  const significant = (s: string) => {
    const m = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(s)!;
    const all = (m[1]! + (m[2] ?? '')).replace(/^0+/, '');
    return all.replace(/0+$/, '');
  };
  if (n === 0) return /^-?[0.]*(?:[eE].*)?$/.test(literal) || significant(literal) === '';
  return Number.isFinite(n) && significant(n.toExponential()) === significant(literal);
}
