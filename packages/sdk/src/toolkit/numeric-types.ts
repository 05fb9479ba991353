/**
 * A target's exact numeric types (binary integers, DECIMAL(p,s) up to a precision, and text past them) as one
 * family, so a destination names its types once and gets the rules of numeric-fit.ts in its own type names: the
 * type of a property, the narrowest type that holds a number, the type that holds two, why a number does not fit.
 */
import { ExactNumber } from '../json/exact-number';
import { decimalShapeOf } from './exact-digits';
import { numericMisfit, shapeHolding, widerShape, type NumericShape } from './numeric-fit';
import type { PropertySchema } from './stream-schema';

/** A target's exact numeric types ({@link ExactNumericTypes}). */
export interface ExactNumericTypesOptions {
  /** Binary integer types, narrowest first: each holds |n| < `limit`, numbers of up to `digits` digits. */
  integers: readonly { type: string; digits: number; limit: bigint }[];
  /** The largest DECIMAL precision, and how the target spells DECIMAL(p,s) and reads it back. */
  decimal: { maxPrecision: number; nameOf: (precision: number, scale: number) => string; parse: RegExp };
  /** The type that holds any number exactly, as its text. */
  text: string;
  /** What a misfit's message adds for an integer beyond its column (what to do about it). */
  beyond: string;
}

/**
 * The exact numeric types of a target: integers, DECIMAL(p,s) and text, with the rules to choose and widen them.
 * Types are compared as the target spells them (`parse` reads a DECIMAL's precision and scale back).
 *
 * @example
 * ```ts
 * const types = new ExactNumericTypes({
 *   integers: [{ type: 'BIGINT', digits: 19, limit: 2n ** 63n }, { type: 'HUGEINT', digits: 39, limit: 2n ** 127n }],
 *   decimal: { maxPrecision: 38, nameOf: (p, s) => `DECIMAL(${p},${s})`, parse: /^DECIMAL\((\d+),(\d+)\)$/ },
 *   text: 'VARCHAR',
 *   beyond: 'give the property a maximum/minimum in the schema',
 * });
 * types.holding(new ExactNumber('0.295')); // 'DECIMAL(4,3)'
 * types.wider('BIGINT', 'DECIMAL(10,2)'); // 'DECIMAL(21,2)'
 * ```
 */
export class ExactNumericTypes {
  /** What each type holds, remembered per type (undefined: not a numeric type of the family). */
  private readonly shapes = new Map<string, NumericShape | undefined>();

  constructor(private readonly options: ExactNumericTypesOptions) {
    for (const { type, digits, limit } of options.integers)
      this.shapes.set(type, { int: digits, scale: 0, limit });
  }

  /** What a type holds (DECIMAL(p,s): p-s integer digits and s decimals), or undefined for any other type. */
  shapeOf(type: string): NumericShape | undefined {
    if (!this.shapes.has(type)) {
      const match = this.options.decimal.parse.exec(type);
      this.shapes.set(
        type,
        match === null ? undefined : { int: Number(match[1]) - Number(match[2]), scale: Number(match[2]) },
      );
    }
    return this.shapes.get(type);
  }

  /**
   * The type of an integer property (or a decimal one of scale 0), or of a decimal one (multipleOf 10^-s) whose
   * scale the family holds, sized by the schema's bounds; undefined for any other property (the destination
   * chooses: a plain number, a string...).
   *
   * @example
   * ```ts
   * types.ofProperty(normalizeSchema({ properties: { p: { type: 'number', multipleOf: 0.01, maximum: 1e8 } } })
   *   .properties[0]!); // 'DECIMAL(11,2)'
   * ```
   */
  ofProperty(property: PropertySchema): string | undefined {
    const { integers, decimal, text } = this.options;
    const { bound, scale } = decimalShapeOf(property.constraints);
    if (property.type === 'integer' || (property.type === 'decimal' && scale === 0)) {
      const fits = integers.find((i) => bound === undefined || bound.high < i.limit);
      return fits?.type ?? text;
    }
    if (property.type !== 'decimal' || scale === undefined || scale > decimal.maxPrecision) return undefined;
    const digits = bound === undefined ? decimal.maxPrecision : bound.digits + scale;
    return digits > decimal.maxPrecision ? text : decimal.nameOf(Math.max(digits, scale + 1), scale);
  }

  /** The DECIMAL of a shape, else text past the largest precision. */
  private decimalOf({ int, scale }: NumericShape): string {
    const { decimal, text } = this.options;
    return int + scale <= decimal.maxPrecision ? decimal.nameOf(int + scale, scale) : text;
  }

  /**
   * The narrowest type holding a number as written: the first integer type with room for more digits than it has
   * (so any such number fits its limit), a DECIMAL for decimals, else text.
   *
   * @example
   * ```ts
   * types.holding(new ExactNumber('12345678901234567890')); // 'HUGEINT'
   * ```
   */
  holding(value: number | ExactNumber): string {
    const shape = shapeHolding(value);
    if (shape.scale > 0) return this.decimalOf(shape);
    return this.options.integers.find((i) => shape.int < i.digits)?.type ?? this.options.text;
  }

  /**
   * The type that holds what both numeric types hold (the wider integer, else a DECIMAL of the larger integer
   * part and scale, else text); undefined when either is not a numeric type of the family. Never narrows.
   *
   * @example
   * ```ts
   * types.wider('DECIMAL(10,2)', 'DECIMAL(12,4)'); // 'DECIMAL(12,4)'
   * types.wider('BIGINT', 'VARCHAR'); // undefined
   * ```
   */
  wider(current: string, wanted: string): string | undefined {
    const [a, b] = [this.shapeOf(current), this.shapeOf(wanted)];
    if (a === undefined || b === undefined) return undefined;
    const wider = widerShape(a, b);
    return wider === a ? current : wider === b ? wanted : this.decimalOf(wider);
  }

  /**
   * Why a value cannot be stored exactly in a column of `type` (the SDK's numericMisfit), or undefined when it
   * can, or when the value is not a number or the type not numeric.
   *
   * @example
   * ```ts
   * types.misfit(new ExactNumber('1.234'), 'DECIMAL(10,2)'); // '1.234 has 3 decimals; DECIMAL(10,2) keeps 2 and would round it'
   * ```
   */
  misfit(value: unknown, type: string): string | undefined {
    if (typeof value !== 'number' && !(value instanceof ExactNumber)) return undefined;
    const shape = this.shapeOf(type);
    return shape && numericMisfit(value, shape, type, this.options.beyond);
  }
}
