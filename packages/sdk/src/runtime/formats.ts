/**
 * Fast checks for the formats Singer schemas use most. ajv-formats' full `date-time` splits the string and runs
 * two regular expressions with captures for every value; these use one capture-free test and look at the day of
 * the month only when it could be out of range. Zones are optional, since Singer date-times often have none.
 */

// Month 01-12, day 01-31, hour 00-23, minute 00-59, second 00-60 (leap), optional fraction, optional zone.
const DATE = String.raw`\d\d\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])`;
const TIME = String.raw`(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?`;
const DATE_TIME_PATTERN = new RegExp(`^${DATE}[Tt ]${TIME}$`);
const DATE_PATTERN = new RegExp(`^${DATE}$`);
const TIME_PATTERN = new RegExp(`^${TIME}$`);

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Checks the day of a `YYYY-MM-DD` prefix already matched by the pattern (so only days 29-31 need a look). */
function isRealDay(text: string): boolean {
  const day = (text.charCodeAt(8) - 48) * 10 + (text.charCodeAt(9) - 48);
  if (day <= 28) return true;
  const month = (text.charCodeAt(5) - 48) * 10 + (text.charCodeAt(6) - 48);
  if (day > DAYS_IN_MONTH[month]!) return false;
  if (month !== 2 || day !== 29) return true;
  const year = Number(text.slice(0, 4));
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** RFC 3339 date-time with an optional zone (`2024-02-29T10:00:00`, `...Z`, `...+02:00`, space separator). */
export function isDateTime(text: string): boolean {
  return DATE_TIME_PATTERN.test(text) && isRealDay(text);
}

/** RFC 3339 full-date. */
export function isDate(text: string): boolean {
  return DATE_PATTERN.test(text) && isRealDay(text);
}

/** RFC 3339 partial or full time, zone optional. */
export function isTime(text: string): boolean {
  return TIME_PATTERN.test(text);
}
