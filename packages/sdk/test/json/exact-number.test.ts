import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExactNumber, parseJsonExact, stringifyJson } from '../../src/index';

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
});
