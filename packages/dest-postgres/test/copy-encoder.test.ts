import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExactNumber } from '@singer-dest/sdk';
import { encodeJsonValue, encodePlainValue, type NulPolicy } from '../src/copy-encoder';

class NulFound extends Error {}
const strict: NulPolicy = {
  sanitize: false,
  onNul: () => {
    throw new NulFound('NUL');
  },
};
const sanitizing: NulPolicy = { ...strict, sanitize: true };

describe('COPY text values', () => {
  it('escapes backslash, tab, newline and carriage return, and leaves other text as it is', () => {
    assert.equal(encodePlainValue('a\\b\tc\nd\re', strict), 'a\\\\b\\tc\\nd\\re');
    assert.equal(encodePlainValue('\\N', strict), '\\\\N');
    assert.equal(encodePlainValue('ünï "q" ; 🎉', strict), 'ünï "q" ; 🎉');
  });

  it('writes numbers, booleans and exact numbers as PostgreSQL reads them', () => {
    assert.equal(encodePlainValue(42, strict), '42');
    assert.equal(encodePlainValue(-1.5e-7, strict), '-1.5e-7');
    assert.equal(encodePlainValue(true, strict), 'true');
    assert.equal(encodePlainValue(false, strict), 'false');
    assert.equal(
      encodePlainValue(new ExactNumber('123456789012345678901234567890.000000000000000001'), strict),
      '123456789012345678901234567890.000000000000000001',
    );
  });

  it('writes objects as exact JSON, in text and json columns', () => {
    const big = new ExactNumber('18446744073709551617');
    assert.equal(encodePlainValue({ v: big, s: 'a\nb' }, strict), '{"v":18446744073709551617,"s":"a\\\\nb"}');
    assert.equal(encodeJsonValue({ v: big }, strict), '{"v":18446744073709551617}');
  });

  it('writes every value of a json column as JSON, strings quoted', () => {
    assert.equal(encodeJsonValue('a\tb', strict), '"a\\\\tb"');
    assert.equal(encodeJsonValue(5, strict), '5');
    assert.equal(encodeJsonValue(['x', null], strict), '["x",null]');
  });

  it('reports a NUL character in text or JSON through the policy', () => {
    assert.throws(() => encodePlainValue('a\u0000b', strict), NulFound);
    assert.throws(() => encodeJsonValue({ k: ['\u0000'] }, strict), NulFound);
    assert.throws(() => encodeJsonValue({ 'k\u0000': 1 }, strict), NulFound);
  });

  it('replaces NUL with U+FFFD when sanitizing, in text and in JSON keys and values', () => {
    assert.equal(encodePlainValue('a\u0000b', sanitizing), 'a\uFFFDb');
    assert.equal(encodeJsonValue({ 'k\u0000': '\u0000' }, sanitizing), '{"k\uFFFD":"\uFFFD"}');
  });

  it('does not mistake an escaped backslash before u0000 for a NUL', () => {
    assert.equal(encodeJsonValue({ k: '\\u0000' }, strict), '{"k":"\\\\\\\\u0000"}');
  });
});
