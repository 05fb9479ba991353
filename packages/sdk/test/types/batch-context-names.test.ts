import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchContext } from '../../src/index';

// Compile-time checks: `lineNumbers` is what holds the records' input line numbers; the old name is gone.
const numbers = (context: BatchContext): readonly number[] => context.lineNumbers;
// @ts-expect-error BatchContext.lines was renamed lineNumbers (it holds line numbers, not lines)
const old = (context: BatchContext): unknown => context.lines;

describe('BatchContext names', () => {
  it('compiles only with lineNumbers (see the @ts-expect-error above)', () => {
    assert.equal(typeof numbers, 'function');
    assert.equal(typeof old, 'function');
  });
});
