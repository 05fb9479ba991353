import { ExactNumber, digitsOf, scaledIntegerOf } from '@singer-dest/sdk/toolkit';
import type { ColumnKind, ColumnType } from './type-mapping';

/**
 * Says why a value cannot go into a column, or `undefined` when PostgreSQL will take it. Checked as each record
 * is read, so a value the column cannot hold rejects that record by its line (under `invalid_record_policy`)
 * instead of failing the COPY of a whole batch later: the database is never the validator.
 */
export type ColumnCheck = (value: unknown) => string | undefined;

/** A column as the check sees it: the type dest-postgres wants, and the table's column when it exists. */
export interface CheckedColumn {
  type: ColumnType;
  existing?: { kind: ColumnKind; sqlType: string } | undefined;
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
};
/** PostgreSQL's numeric limits: digits before and after the decimal point. */
const NUMERIC_INTEGER_DIGITS = 131072;
const NUMERIC_FRACTION_DIGITS = 16383;
const TOO_MANY_DIGITS = `has more digits than PostgreSQL numeric holds (${NUMERIC_INTEGER_DIGITS} before the point, ${NUMERIC_FRACTION_DIGITS} after)`;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Date, 'T' / 't' / space, hh:mm[:ss[.fraction]], then an optional zone: Z, ±hh, ±hhmm, ±hh:mm or ±hh:mm:ss.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|z|[+-](\d{2})(?::?(\d{2})(?::(\d{2}))?)?)?)?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|z|[+-](\d{2})(?::?(\d{2})(?::(\d{2}))?)?)?$/;
const UUID = /^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when a uuid column takes `text` (with or without hyphens and braces, any case). */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

function jsonTypeOf(value: unknown): string {
  if (value instanceof ExactNumber) return 'a number';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function validDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && !leap ? 28 : DAYS[month - 1]!);
}

/**
 * hh:mm:ss[.fraction] as PostgreSQL takes it: hours 0-23, seconds up to 60 (a leap second), and the time of day
 * at most exactly 24:00:00 (so neither 24:00:00.5 nor 23:59:60.5; a fraction counts when a digit of it is not 0).
 */
function validClock(
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
  fraction: string | undefined,
): boolean {
  if (hour === undefined) return true;
  const digits = fraction ?? '';
  return clockFits(
    Number(hour),
    Number(minute),
    second === undefined ? 0 : Number(second),
    digits,
    0,
    digits.length,
  );
}

/** The clock check of {@link validClock}, the fraction's digits being `text` from `start` to `end`. */
function clockFits(
  hour: number,
  minute: number,
  second: number,
  text: string,
  start: number,
  end: number,
): boolean {
  if (hour > 24 || minute > 59 || second > 60) return false;
  // 24:00:00 and 23:59:60 end the day: no fraction may follow them.
  const endOfDay = hour === 24 || (hour === 23 && minute === 59 && second === 60);
  if (!endOfDay) return true;
  return (hour !== 24 || (minute === 0 && second === 0)) && !/[1-9]/.test(text.slice(start, end));
}

/** A zone offset PostgreSQL takes: at most 15:59:59 either way. */
function validZone(
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
): boolean {
  if (hours === undefined) return true;
  return Number(hours) <= 15 && Number(minutes ?? 0) <= 59 && Number(seconds ?? 0) <= 59;
}

/**
 * True when `text` is an ISO 8601 / RFC 3339 date-time (or a date alone) that a timestamptz column takes as
 * written: a real calendar day in years 1-9999, a valid clock and zone offset. A value without a zone is read as
 * UTC (dest-postgres's sessions run in UTC). `infinity` and `-infinity` are PostgreSQL's own and kept.
 *
 * @example
 * ```ts
 * isTimestamp('2019-12-18T13:19:44+00:00'); // true
 * isTimestamp('2019-12-18T13:19:44+00:00+00:00'); // false (tap-mysql wrote this)
 * ```
 */
export function isTimestamp(text: string): boolean {
  return commonTimestamp(text) ?? isTimestampByPattern(text);
}

const isDigit = (text: string, at: number) => {
  const code = text.charCodeAt(at);
  return code >= 48 && code <= 57;
};

/** The two digits at `at` as a number, or -1 when either is not a digit. */
function twoDigitsAt(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

const HYPHEN = 0x2d;
const COLON = 0x3a;

/**
 * The shape nearly every tap writes, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, checked on character codes
 * without a regular expression (it runs for every date-time value); `undefined` for any other shape (then the
 * full pattern decides).
 */
function commonTimestamp(text: string): boolean | undefined {
  const length = text.length;
  if (
    length < 20 ||
    text.charCodeAt(4) !== HYPHEN ||
    text.charCodeAt(7) !== HYPHEN ||
    text.charCodeAt(10) !== 0x54 || // 'T'
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return undefined;
  }
  const century = twoDigitsAt(text, 0);
  const yearOfCentury = twoDigitsAt(text, 2);
  const month = twoDigitsAt(text, 5);
  const day = twoDigitsAt(text, 8);
  const hour = twoDigitsAt(text, 11);
  const minute = twoDigitsAt(text, 14);
  const second = twoDigitsAt(text, 17);
  if ((century | yearOfCentury | month | day | hour | minute | second) < 0) return undefined;
  let at = 19;
  if (text.charCodeAt(at) === 0x2e) {
    // '.' then at least one digit
    at++;
    const start = at;
    while (at < length && isDigit(text, at)) at++;
    if (at === start) return undefined;
  }
  let zoneHours = 0;
  let zoneMinutes = 0;
  const zone = text.charCodeAt(at);
  if (at === length - 1 && zone === 0x5a) {
    // 'Z': UTC
  } else if (at === length - 6 && (zone === 0x2b || zone === HYPHEN) && text.charCodeAt(at + 3) === COLON) {
    zoneHours = twoDigitsAt(text, at + 1);
    zoneMinutes = twoDigitsAt(text, at + 4);
    if ((zoneHours | zoneMinutes) < 0) return undefined;
  } else {
    return undefined;
  }
  return (
    validDay(century * 100 + yearOfCentury, month, day) &&
    clockFits(hour, minute, second, text, 20, at) &&
    zoneHours <= 15 &&
    zoneMinutes <= 59
  );
}

/**
 * The full pattern of {@link isTimestamp}, for every shape (`commonTimestamp` decides the common one faster and
 * must agree with it: test/column-check.test.ts compares the two).
 */
export function isTimestampByPattern(text: string): boolean {
  if (text === 'infinity' || text === '-infinity') return true;
  const m = DATE_TIME.exec(text);
  if (m === null) return false;
  return (
    validDay(Number(m[1]), Number(m[2]), Number(m[3])) &&
    validClock(m[4], m[5], m[6], m[7]) &&
    validZone(m[9], m[10], m[11])
  );
}

/** True when a date column takes `text` as written (a date, or a date-time whose time part is dropped). */
export function isDate(text: string): boolean {
  if (text === 'infinity' || text === '-infinity') return true;
  const m = DATE.exec(text);
  if (m !== null) return validDay(Number(m[1]), Number(m[2]), Number(m[3]));
  // A date column takes a full date-time too (its time part is dropped): singer-python taps write dates so.
  return isTimestamp(text);
}

/** True when a time column takes `text` as written: hh:mm[:ss[.fraction]] and an optional zone. */
export function isTime(text: string): boolean {
  const m = TIME.exec(text);
  return m !== null && validClock(m[1], m[2], m[3], m[4]) && validZone(m[6], m[7], m[8]);
}

/**
 * Integer digits of |value| rounded to `scale` decimals, half away from zero (as numeric(p,s) rounds); `digits` are
 * the value's own (the SDK's `digitsOf`). Only a value with more decimals than the scale is rounded, exactly, as
 * the integer of all its digits.
 */
function integerDigitsRounded(
  value: number | ExactNumber,
  digits: { integer: number; fraction: number },
  scale: number,
): number {
  if (digits.fraction <= scale) return digits.integer;
  const all = scaledIntegerOf(value, digits.fraction)!; // |value| × 10^fraction is an integer
  const magnitude = all < 0n ? -all : all;
  const unit = 10n ** BigInt(digits.fraction - scale);
  const rounded = (magnitude + unit / 2n) / unit; // |value| × 10^scale, rounded half up
  return rounded === 0n ? 0 : Math.max(rounded.toString().length - scale, 0);
}

/**
 * The integer a JSON number stands for, as plain digits (`1.0`, `1e3` and `12345678901234567890.0` are integers
 * too, but a bigint column's input syntax takes digits only), or `undefined` when it has a fraction.
 *
 * @example
 * ```ts
 * integerLiteral(new ExactNumber('1.2345678901234567890e19')); // '12345678901234567890'
 * integerLiteral(1.5); // undefined
 * ```
 */
export function integerLiteral(value: number | ExactNumber): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return scaledIntegerOf(value, 0)?.toString();
}

/**
 * The range of an existing integer column narrower than bigint (`integer`, `smallint`), else `undefined`: a bigint
 * column takes every integer the JSON carries up to 64 bits, and dest-postgres widens its own beyond that.
 */
export function integerRangeOf(sqlType: string | undefined): readonly [bigint, bigint] | undefined {
  return sqlType === undefined ? undefined : INT_RANGES[sqlType];
}

function integerCheck(sqlType: string | undefined): ColumnCheck {
  const range = integerRangeOf(sqlType);
  return (value) => {
    if (typeof value !== 'number' && !(value instanceof ExactNumber)) {
      return `is ${jsonTypeOf(value)}, not an integer`;
    }
    if (range === undefined && typeof value === 'number' && Number.isSafeInteger(value)) return undefined;
    const digits = digitsOf(value);
    if (digits === undefined || digits.fraction > 0) return 'is not an integer';
    // Counted before its digits are spelt out: even the numeric a bigint column widens to holds no more.
    if (digits.integer > NUMERIC_INTEGER_DIGITS) return TOO_MANY_DIGITS;
    if (range !== undefined) {
      const n = BigInt(integerLiteral(value)!);
      if (n < range[0] || n > range[1]) {
        return `is outside the range of the table's ${sqlType} column (${range[0]} to ${range[1]}); widen the column to bigint or numeric`;
      }
    }
    return undefined;
  };
}

/** True when an existing numeric column has a precision (`numeric(p,s)`), so every value's digits are counted. */
export function hasPrecision(sqlType: string | undefined): boolean {
  return sqlType !== undefined && /^numeric\((\d+),(\d+)\)$/.test(sqlType);
}

function numericCheck(sqlType: string | undefined): ColumnCheck {
  const m = sqlType === undefined ? null : /^numeric\((\d+),(\d+)\)$/.exec(sqlType);
  const precision = m === null ? undefined : Number(m[1]);
  const scale = m === null ? undefined : Number(m[2]);
  return (value) => {
    // Any double fits an unbounded numeric (at most 309 digits before the point, 324 after).
    if (typeof value === 'number' && precision === undefined) return undefined;
    if (typeof value !== 'number' && !(value instanceof ExactNumber)) {
      return `is ${jsonTypeOf(value)}, not a number`;
    }
    const digits = digitsOf(value);
    if (digits === undefined) return 'is not a decimal number';
    if (digits.integer > NUMERIC_INTEGER_DIGITS || digits.fraction > NUMERIC_FRACTION_DIGITS)
      return TOO_MANY_DIGITS;
    if (precision !== undefined && scale !== undefined) {
      if (integerDigitsRounded(value, digits, scale) > precision - scale) {
        return `does not fit the table's ${sqlType} column (at most ${precision - scale} digits before the point)`;
      }
    }
    return undefined;
  };
}

function stringCheck(what: string, test: (text: string) => boolean): ColumnCheck {
  return (value) => {
    if (typeof value !== 'string') return `is ${jsonTypeOf(value)}, not a ${what} string`;
    return test(value) ? undefined : `is not a valid ${what}`;
  };
}

/** Length in characters (code points), as PostgreSQL counts them. */
function characters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff) count++;
  }
  return count;
}

/** The length limit of a varchar(n) or char(n) column, in characters; `undefined` for any other type. */
export function lengthLimitOf(sqlType: string | undefined): number | undefined {
  const m = sqlType === undefined ? null : /^(character varying|character)\((\d+)\)$/.exec(sqlType);
  return m === null ? undefined : Number(m[2]);
}

function lengthCheck(sqlType: string): ColumnCheck | undefined {
  const m = /^(character varying|character)\((\d+)\)$/.exec(sqlType);
  if (m === null) return undefined;
  const limit = Number(m[2]);
  const padded = m[1] === 'character';
  return (value) => {
    if (typeof value !== 'string' || value.length <= limit) return undefined;
    // char(n) drops trailing spaces beyond n instead of failing.
    const text = padded ? value.replace(/ +$/, '') : value;
    const length = characters(text);
    return length > limit
      ? `has ${length} characters, more than the table's ${sqlType} column holds`
      : undefined;
  };
}

/**
 * The check for one column, from the type dest-postgres wants and (when the table exists) the column it has.
 * `undefined` when every value can be written (text and jsonb take anything; columns of types dest-postgres does
 * not create are left to PostgreSQL, except uuid and the sized types it knows).
 *
 * @example
 * ```ts
 * checkOf({ type: 'timestamptz' })!('2019-12-18T13:19:44+00:00+00:00'); // 'is not a valid date-time'
 * checkOf({ type: 'bigint', existing: { kind: 'bigint', sqlType: 'integer' } })!(2 ** 31); // 'is outside ...'
 * checkOf({ type: 'text' }); // undefined
 * ```
 */
export function checkOf(column: CheckedColumn): ColumnCheck | undefined {
  const existing = column.existing;
  const kind: ColumnKind = existing?.kind ?? column.type;
  const sqlType = existing?.sqlType;
  switch (kind) {
    case 'bigint':
      return integerCheck(sqlType);
    case 'numeric':
      return numericCheck(sqlType);
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? undefined : `is ${jsonTypeOf(value)}, not a boolean`);
    case 'timestamptz':
    case 'timestamp':
      return stringCheck('date-time', isTimestamp);
    case 'date':
      return stringCheck('date', isDate);
    case 'time':
      return stringCheck('time', isTime);
    case 'text':
      return sqlType === undefined ? undefined : lengthCheck(sqlType);
    case 'jsonb':
      return undefined;
    case 'other':
      return sqlType === 'uuid' ? stringCheck('uuid', isUuid) : undefined;
  }
}
