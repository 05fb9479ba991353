import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decimalOf, hasAtMostDecimals, isMultipleOf, parseDecimal } from '../../src/json/exact-decimal';

/** The exact answer: the number's shortest text as a decimal, divided by 10^-places in decimal arithmetic. */
function exactly(value: number, places: number): boolean {
  return isMultipleOf(decimalOf(value)!, parseDecimal(`1e-${places}`)!);
}

describe('hasAtMostDecimals', () => {
  it('agrees with exact decimal arithmetic on every double it answers for', () => {
    const places = fc.integer({ min: 0, max: 25 });
    // Doubles of every kind, and decimals of a few digits (the values numeric(p,s) columns hold) at or past the step.
    const decimal = fc
      .tuple(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), fc.integer({ min: 0, max: 24 }))
      .map(([digits, scale]) => Number(`${digits}e-${scale}`));
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), decimal);
    fc.assert(
      fc.property(value, places, (v, p) => {
        const fits = hasAtMostDecimals(v, p);
        if (fits !== undefined) assert.equal(fits, exactly(v, p), `${v} with ${p} places`);
      }),
      { numRuns: 20000 },
    );
  });

  it('answers for the values real numeric columns hold', () => {
    assert.equal(hasAtMostDecimals(0.29, 2), true);
    assert.equal(hasAtMostDecimals(0.295, 2), false);
    assert.equal(hasAtMostDecimals(71959.7458812905, 10), true);
    assert.equal(hasAtMostDecimals(69.5584939, 8), true);
    assert.equal(hasAtMostDecimals(69.5584939, 6), false);
    assert.equal(hasAtMostDecimals(-0, 0), true);
    assert.equal(hasAtMostDecimals(1.5e-7, 10), true);
    assert.equal(hasAtMostDecimals(1.5e-7, 6), false);
    // Beyond what float arithmetic can settle: left to the exact decimal.
    assert.equal(hasAtMostDecimals(123456789.5, 23), undefined);
    assert.equal(hasAtMostDecimals(1234567890123.25, 4), undefined);
  });
});
