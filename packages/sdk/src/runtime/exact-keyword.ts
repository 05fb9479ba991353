import type Ajv from 'ajv';
import type { ErrorObject } from 'ajv';
import {
  compareDecimals,
  decimalOf,
  hasAtMostDecimals,
  isIntegral,
  isMultipleOf,
  parseDecimal,
  type Decimal,
} from '../json/exact-decimal';
import { ExactNumber, stringifyJson } from '../json/exact-number';
import { EXACT_KEYWORD, type ExactConstraints } from './validation-schema';

/**
 * Where the exact keyword finds the record as parsed (with {@link ExactNumber}s) while ajv walks its rounded copy.
 * Set around each validation of a record that holds exact numbers; undefined otherwise, when every number ajv
 * sees is the tap's literal already.
 */
export interface ExactInput {
  record: unknown;
}

interface Bound {
  decimal: Decimal;
  /** The nearest double: a comparison with it decides unless the value equals it. */
  double: number;
  text: string;
}

interface Prepared {
  lower: { bound: Bound; exclusive: boolean } | undefined;
  upper: { bound: Bound; exclusive: boolean } | undefined;
  step: { decimal: Decimal; text: string } | undefined;
  integer: boolean;
  enums: { numbers: Decimal[]; others: Set<string> }[];
}

function toBound(text: string | undefined): Bound | undefined {
  if (text === undefined) return undefined;
  const decimal = parseDecimal(text);
  return decimal && { decimal, double: Number(text), text };
}

/** The tighter of an inclusive and an exclusive bound (both may be given, in draft 6). */
function tighter(
  inclusive: Bound | undefined,
  exclusive: Bound | undefined,
  lower: boolean,
): Prepared['lower'] {
  if (inclusive === undefined) return exclusive && { bound: exclusive, exclusive: true };
  if (exclusive === undefined) return { bound: inclusive, exclusive: false };
  const order = compareDecimals(exclusive.decimal, inclusive.decimal);
  const exclusiveWins = lower ? order >= 0 : order <= 0;
  return exclusiveWins ? { bound: exclusive, exclusive: true } : { bound: inclusive, exclusive: false };
}

function prepare(constraints: ExactConstraints): Prepared {
  const stepDecimal = constraints.multipleOf === undefined ? undefined : parseDecimal(constraints.multipleOf);
  return {
    lower: tighter(toBound(constraints.minimum), toBound(constraints.exclusiveMinimum), true),
    upper: tighter(toBound(constraints.maximum), toBound(constraints.exclusiveMaximum), false),
    step: stepDecimal && { decimal: stepDecimal, text: constraints.multipleOf! },
    integer: constraints.integer === true,
    enums: (constraints.enums ?? []).map((members) => ({
      numbers: members.flatMap((m) => {
        const decimal = typeof m === 'number' || m instanceof ExactNumber ? decimalOf(m) : undefined;
        return decimal ? [decimal] : [];
      }),
      others: new Set(
        members.filter((m) => typeof m !== 'number' && !(m instanceof ExactNumber)).map(stringifyJson),
      ),
    })),
  };
}

/** The decimal of a value, computed at most once per check. */
class LazyDecimal {
  private decimal: Decimal | undefined | null = null;
  constructor(readonly value: number | ExactNumber) {}
  get(): Decimal | undefined {
    return this.decimal === null ? (this.decimal = decimalOf(this.value)) : this.decimal;
  }
}

/** −1, 0 or 1 as the value is below, at or above the bound, exactly. */
function compareToBound(value: number | ExactNumber, decimal: LazyDecimal, bound: Bound): number {
  // A double that is the tap's literal and differs from the bound's nearest double is on the same side of the
  // bound itself (rounding keeps order); only equality needs the digits.
  if (typeof value === 'number' && value !== bound.double) return value < bound.double ? -1 : 1;
  const exact = decimal.get();
  return exact === undefined
    ? Math.sign(Number(value) - bound.double)
    : compareDecimals(exact, bound.decimal);
}

/** The keys of an ajv instance path (`/a/0/b`, JSON Pointer), unescaped. */
function segmentsOf(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((raw) => (raw.includes('~') ? raw.replace(/~1/g, '/').replace(/~0/g, '~') : raw));
}

/** Follows an instance path's keys through the record as parsed. */
function lookUp(record: unknown, segments: readonly string[]): unknown {
  let value = record;
  for (const key of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Instance paths seen, split once: a record checks the same few paths again and again. Bounded (array items have
 * a path per index), and emptied when full rather than tracked entry by entry.
 */
class PathCache {
  private readonly paths = new Map<string, readonly string[]>();
  constructor(private readonly limit: number) {}

  segments(path: string): readonly string[] {
    let segments = this.paths.get(path);
    if (segments === undefined) {
      if (this.paths.size >= this.limit) this.paths.clear();
      this.paths.set(path, (segments = segmentsOf(path)));
    }
    return segments;
  }
}

/** An ajv validate-function keyword: it reports its errors on its own `errors` property. */
interface ExactValidate {
  (
    constraints: ExactConstraints,
    data: unknown,
    parent: unknown,
    context: { instancePath: string } | undefined,
  ): boolean;
  errors?: Partial<ErrorObject>[];
}

function error(keyword: string, message: string, params: Record<string, unknown>): Partial<ErrorObject> {
  return { keyword, message, params };
}

function isMultiple(
  value: number | ExactNumber,
  step: Prepared['step'] & object,
  decimal: LazyDecimal,
): boolean {
  // The common case, a power-of-ten step (numeric(p,s) columns) and a plain number: no decimal is made.
  if (typeof value === 'number' && step.decimal.digits === '1' && step.decimal.exponent <= 0) {
    const fits = hasAtMostDecimals(value, -step.decimal.exponent);
    if (fits !== undefined) return fits;
  }
  const d = decimal.get();
  return d !== undefined && isMultipleOf(d, step.decimal);
}

function findErrors(rules: Prepared, value: number | ExactNumber): Partial<ErrorObject>[] | undefined {
  let errors: Partial<ErrorObject>[] | undefined;
  const fail = (e: Partial<ErrorObject>) => (errors ??= []).push(e);
  const decimal = new LazyDecimal(value);
  if (rules.integer && value instanceof ExactNumber) {
    const d = decimal.get();
    if (d !== undefined && !isIntegral(d)) fail(error('type', 'must be integer', { type: 'integer' }));
  }
  const { lower, upper, step } = rules;
  if (lower !== undefined) {
    const order = compareToBound(value, decimal, lower.bound);
    if (order < 0 || (order === 0 && lower.exclusive)) {
      const keyword = lower.exclusive ? 'exclusiveMinimum' : 'minimum';
      const comparison = lower.exclusive ? '>' : '>=';
      fail(
        error(keyword, `must be ${comparison} ${lower.bound.text}`, { comparison, limit: lower.bound.text }),
      );
    }
  }
  if (upper !== undefined) {
    const order = compareToBound(value, decimal, upper.bound);
    if (order > 0 || (order === 0 && upper.exclusive)) {
      const keyword = upper.exclusive ? 'exclusiveMaximum' : 'maximum';
      const comparison = upper.exclusive ? '<' : '<=';
      fail(
        error(keyword, `must be ${comparison} ${upper.bound.text}`, { comparison, limit: upper.bound.text }),
      );
    }
  }
  if (step !== undefined && !isMultiple(value, step, decimal)) {
    fail(error('multipleOf', `must be multiple of ${step.text}`, { multipleOf: step.text }));
  }
  for (const { numbers } of rules.enums) {
    const d = decimal.get();
    if (d === undefined || !numbers.some((member) => compareDecimals(d, member) === 0)) {
      fail(error('enum', 'must be equal to one of the allowed values', {}));
    }
  }
  return errors;
}

/**
 * Registers {@link EXACT_KEYWORD} on an ajv instance: bounds, `multipleOf`, integer types and numeric enums
 * checked in exact decimal arithmetic on the literal the tap wrote. Errors carry the standard keyword's name
 * (`maximum`, `multipleOf`, ...), so reports read as if ajv had checked it.
 *
 * @example
 * ```ts
 * const input: ExactInput = { record: undefined };
 * addExactKeyword(ajv, input);
 * ```
 */
export function addExactKeyword(ajv: Ajv, input: ExactInput): void {
  const prepared = new WeakMap<ExactConstraints, Prepared>();
  const paths = new PathCache(1024);
  const checkExact: ExactValidate = (constraints, data, _parent, context) => {
    let rules = prepared.get(constraints);
    if (rules === undefined) prepared.set(constraints, (rules = prepare(constraints)));
    if (typeof data !== 'number') {
      // Numeric keywords apply to numbers only (`type` checks the rest); an enum moved here applies to all.
      if (rules.enums.every(({ others }) => others.has(stringifyJson(data)))) return true;
      checkExact.errors = [error('enum', 'must be equal to one of the allowed values', {})];
      return false;
    }
    const exact =
      input.record === undefined ? data : lookUp(input.record, paths.segments(context?.instancePath ?? ''));
    const value = exact instanceof ExactNumber || typeof exact === 'number' ? exact : data;
    const errors = findErrors(rules, value);
    checkExact.errors = errors;
    return errors === undefined;
  };
  ajv.addKeyword({ keyword: EXACT_KEYWORD, schemaType: 'object', errors: true, validate: checkExact });
}
