/**
 * Whether a number fits an exact numeric column, and which column holds it: the rules every SQL destination
 * needs to load numbers exactly (widen the column, never round), apart from its own type names.
 */
import type { ExactNumber } from '../json/exact-number';
import { digitsOf, plainNumberText } from './exact-digits';

/**
 * What an exact numeric column holds: `int` integer digits and `scale` decimals (a DECIMAL(p,s) holds p-s and s);
 * a binary integer column also its bound, |n| < `limit` (BIGINT: 19 digits, limit 2^63).
 */
export interface NumericShape {
  readonly int: number;
  readonly scale: number;
  readonly limit?: bigint;
}

/** A value as a misfit's message shows it: made only for a misfit, not for every value that fits. */
const shown = (value: number | ExactNumber) => String(value).slice(0, 40);

/**
 * Why `value` cannot be stored exactly in a column of `shape` (called `type` in the message), or undefined when it
 * can. `beyond` is what the message adds for an integer past the column's limit (what to do about it).
 *
 * @example
 * ```ts
 * numericMisfit(new ExactNumber('1.234'), { int: 8, scale: 2 }, 'DECIMAL(10,2)');
 * // '1.234 has 3 decimals; DECIMAL(10,2) keeps 2 and would round it'
 * numericMisfit(42, { int: 19, scale: 0, limit: 2n ** 63n }, 'BIGINT'); // undefined
 * ```
 */
export function numericMisfit(
  value: number | ExactNumber,
  shape: NumericShape,
  type: string,
  beyond = 'give the property a maximum/minimum in the schema',
): string | undefined {
  const { limit } = shape;
  if (limit !== undefined && Number.isSafeInteger(value)) return undefined; // the usual case, without BigInt
  const digits = digitsOf(value);
  if (digits === undefined) return undefined;
  if (digits.fraction > shape.scale) {
    return limit === undefined
      ? `${shown(value)} has ${digits.fraction} decimals; ${type} keeps ${shape.scale} and would round it`
      : `${shown(value)} is not a whole number, and ${type} holds only those`;
  }
  if (limit !== undefined) {
    const n = digits.integer > 40 ? undefined : BigInt(plainNumberText(value));
    return n === undefined || n >= limit || n < -limit
      ? `${shown(value)} is beyond ${type}; ${beyond}`
      : undefined;
  }
  return digits.integer > shape.int
    ? `${shown(value)} has ${digits.integer} integer digits; ${type} holds ${shape.int}`
    : undefined;
}

/**
 * The shape a column needs to hold what both shapes hold: for integers the longer; else the larger integer part
 * and the larger scale (a decimal, with no binary limit).
 *
 * @example
 * ```ts
 * widerShape({ int: 19, scale: 0, limit: 2n ** 63n }, { int: 8, scale: 2 }); // { int: 19, scale: 2 }
 * ```
 */
export function widerShape(a: NumericShape, b: NumericShape): NumericShape {
  if (a.scale === 0 && b.scale === 0) return a.int >= b.int ? a : b;
  return { int: Math.max(a.int, b.int), scale: Math.max(a.scale, b.scale) };
}

/**
 * The digits a number as written needs: its integer digits (at least 1 with decimals) and its decimals.
 *
 * @example
 * ```ts
 * shapeHolding(new ExactNumber('0.295')); // { int: 1, scale: 3 }
 * ```
 */
export function shapeHolding(value: number | ExactNumber): NumericShape {
  const { integer, fraction } = digitsOf(value) ?? { integer: 39, fraction: 0 };
  return { int: fraction === 0 ? integer : Math.max(integer, 1), scale: fraction };
}
