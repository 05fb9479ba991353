import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExactNumber, numericMisfit, shapeHolding, widerShape } from '../../src/index';

const BIGINT = { int: 19, scale: 0, limit: 2n ** 63n };
const exact = (text: string) => new ExactNumber(text);

describe('numericMisfit', () => {
  it('says why a number does not fit a decimal column: too many decimals or integer digits', () => {
    const decimal = { int: 8, scale: 2 };
    assert.equal(numericMisfit(exact('99999999.99'), decimal, 'DECIMAL(10,2)'), undefined);
    assert.equal(numericMisfit(1e-2, decimal, 'DECIMAL(10,2)'), undefined);
    assert.equal(
      numericMisfit(exact('1.234'), decimal, 'DECIMAL(10,2)'),
      '1.234 has 3 decimals; DECIMAL(10,2) keeps 2 and would round it',
    );
    assert.equal(
      numericMisfit(exact('123456789'), decimal, 'numeric(10,2)'),
      '123456789 has 9 integer digits; numeric(10,2) holds 8',
    );
  });

  it('checks a binary integer column against its limit exactly, and refuses decimals', () => {
    assert.equal(numericMisfit(exact('9223372036854775807'), BIGINT, 'BIGINT'), undefined);
    assert.equal(numericMisfit(exact('-9223372036854775808'), BIGINT, 'BIGINT'), undefined);
    assert.equal(
      numericMisfit(exact('9223372036854775808'), BIGINT, 'BIGINT', 'use numeric'),
      '9223372036854775808 is beyond BIGINT; use numeric',
    );
    assert.match(numericMisfit(exact('1e60'), BIGINT, 'BIGINT') ?? '', /^1e60 is beyond BIGINT; give the/);
    assert.equal(
      numericMisfit(1.5, BIGINT, 'BIGINT'),
      '1.5 is not a whole number, and BIGINT holds only those',
    );
    assert.equal(numericMisfit(exact('1.0E+3'), BIGINT, 'BIGINT'), undefined);
  });
});

describe('widerShape and shapeHolding', () => {
  it('widens to the longer integer, or the larger integer part and scale', () => {
    const huge = { int: 39, scale: 0, limit: 2n ** 127n };
    assert.equal(widerShape(BIGINT, huge), huge);
    assert.equal(widerShape(huge, BIGINT), huge);
    assert.deepEqual(widerShape(BIGINT, { int: 8, scale: 2 }), { int: 19, scale: 2 });
  });

  it('gives the digits a number needs as written', () => {
    assert.deepEqual(shapeHolding(exact('0.295')), { int: 1, scale: 3 });
    assert.deepEqual(shapeHolding(exact('-12345678901234567890')), { int: 20, scale: 0 });
    assert.deepEqual(shapeHolding(1.5e-7), { int: 1, scale: 8 });
  });
});
