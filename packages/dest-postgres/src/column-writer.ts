import { ExactNumber } from '@singer-dest/sdk/toolkit';
import {
  hasPrecision,
  integerRangeOf,
  isDate,
  isTime,
  isTimestamp,
  isUuid,
  lengthLimitOf,
  type CheckedColumn,
} from './column-check';
import { copyJsonOf, copyTextOf } from './copy-encoder';

/**
 * The fast path of one column: the COPY text of a value that a cheap test proves the column takes as it is, or
 * `undefined` for anything else, which then takes the full path (the column's check, integer digits, the NUL
 * policy; see StreamEncoder). So a fast writer never decides that a value is bad: it only skips the work that
 * its test has made unnecessary, and for every value it answers either `undefined` or exactly what the full path
 * writes (test/column-writer.test.ts holds both paths against each other).
 */
export type FastWriter = (value: unknown) => string | undefined;

/** A column as its writer sees it: what the check sees, and how values are written. */
export interface WrittenColumn extends CheckedColumn {
  /** Values are written as JSON text (a json/jsonb column). */
  json: boolean;
  /** Values are checked as they are read (false for values the run makes itself: no check, no fast test). */
  checked: boolean;
}

/** PostgreSQL numeric's limit of digits after the point, the smaller of its two (16,383 and 131,072 before). */
const NUMERIC_DIGITS = 16383;

/** Strings without an escape, safe integers (no digits to convert), booleans. */
const plain: FastWriter = (value) => {
  switch (typeof value) {
    case 'string':
      return copyTextOf(value);
    case 'number':
      return Number.isSafeInteger(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return undefined;
  }
};

/** A bigint column (or an int2/int4 one of another tool, `range`): safe integers inside the range. */
function integer(range: readonly [bigint, bigint] | undefined): FastWriter {
  const [min, max] = range === undefined ? [-Infinity, Infinity] : range.map(Number);
  return (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min! && value <= max!
      ? String(value)
      : undefined;
}

/**
 * An unbounded numeric column: any double (at most 309 digits before the point, 324 after), and an exact
 * number without an exponent that is too short to exceed either of numeric's digit limits.
 */
const numeric: FastWriter = (value) => {
  if (typeof value === 'number') return String(value);
  if (!(value instanceof ExactNumber)) return undefined;
  const text = value.text;
  return text.length <= NUMERIC_DIGITS && !text.includes('e') && !text.includes('E') ? text : undefined;
};

const boolean: FastWriter = (value) => (value === true ? 'true' : value === false ? 'false' : undefined);

/**
 * Strings a column takes when `test` says so. Each such test (date-time, date, time, uuid) accepts only digits,
 * letters and `-:.+ {}`, so the text needs no COPY escape.
 */
function matching(test: (text: string) => boolean): FastWriter {
  return (value) => (typeof value === 'string' && test(value) ? value : undefined);
}

/** A varchar(n)/char(n) column: strings of at most n UTF-16 units (so at most n characters). */
function bounded(limit: number): FastWriter {
  return (value) => (typeof value === 'string' && value.length <= limit ? copyTextOf(value) : undefined);
}

const none: FastWriter = () => undefined;

/**
 * The fast writer of a column, chosen once per stream layout.
 *
 * @example
 * ```ts
 * const write = fastWriterOf({ type: 'bigint', json: false, checked: true });
 * write(42); // '42'
 * write(2 ** 53); // undefined: the full path converts and checks it
 * ```
 */
export function fastWriterOf(column: WrittenColumn): FastWriter {
  if (column.json) return copyJsonOf;
  if (!column.checked) return plain;
  const sqlType = column.existing?.sqlType;
  switch (column.existing?.kind ?? column.type) {
    case 'bigint':
      return integer(integerRangeOf(sqlType));
    case 'numeric':
      return hasPrecision(sqlType) ? none : numeric;
    case 'boolean':
      return boolean;
    case 'timestamptz':
    case 'timestamp':
      return matching(isTimestamp);
    case 'date':
      return matching(isDate);
    case 'time':
      return matching(isTime);
    case 'text': {
      const limit = lengthLimitOf(sqlType);
      return limit === undefined ? plain : bounded(limit);
    }
    case 'jsonb':
      return copyJsonOf;
    case 'other':
      return sqlType === 'uuid' ? matching(isUuid) : plain;
  }
}
