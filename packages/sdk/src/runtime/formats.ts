/**
 * Fast checks for the formats Singer schemas use most. ajv-formats' full `date-time` splits the string and runs
 * two regular expressions with captures for every value (and a regular expression with alternatives for each
 * field was still ~0.4 µs a value); these read the fixed positions by character code, which is what a
 * `YYYY-MM-DDTHH:MM:SS` layout allows. Zones are optional, since Singer date-times often have none.
 */

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The two-digit number at `at`, or -1 when either character is not a digit. */
function twoDigits(text: string, at: number): number {
  const high = text.charCodeAt(at) - 48;
  const low = text.charCodeAt(at + 1) - 48;
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

/** Checks `YYYY-MM-DD` at the start of `text`. */
function isDatePart(text: string): boolean {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false; // '-'
  const century = twoDigits(text, 0);
  const yearInCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (century < 0 || yearInCentury < 0 || month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month]!) {
    return false;
  }
  if (month !== 2 || day !== 29) return true;
  const year = century * 100 + yearInCentury;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Checks `HH:MM:SS[.fraction][Z|±HH[:]MM|±HH]` from `at` to the end of `text`. */
function isTimePart(text: string, at: number): boolean {
  const hour = twoDigits(text, at);
  const minute = twoDigits(text, at + 3);
  const second = twoDigits(text, at + 6);
  if (text.charCodeAt(at + 2) !== 58 || text.charCodeAt(at + 5) !== 58) return false; // ':'
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  let i = at + 8;
  if (text.charCodeAt(i) === 46) {
    // '.' then at least one digit
    const start = ++i;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === start) return false;
  }
  if (i === text.length) return true; // no zone: read as UTC by destinations
  const zone = text.charCodeAt(i);
  if (zone === 90 || zone === 122) return i + 1 === text.length; // 'Z' or 'z'
  if (zone !== 43 && zone !== 45) return false; // '+' or '-'
  const zoneHour = twoDigits(text, i + 1);
  if (zoneHour < 0 || zoneHour > 23) return false;
  i += 3;
  if (i === text.length) return true;
  if (text.charCodeAt(i) === 58) i++; // optional ':'
  const zoneMinute = twoDigits(text, i);
  return zoneMinute >= 0 && zoneMinute <= 59 && i + 2 === text.length;
}

/** RFC 3339 date-time with an optional zone (`2024-02-29T10:00:00`, `...Z`, `...+02:00`, space separator). */
export function isDateTime(text: string): boolean {
  if (text.length < 19) return false;
  const separator = text.charCodeAt(10);
  if (separator !== 84 && separator !== 116 && separator !== 32) return false; // 'T', 't', ' '
  return isDatePart(text) && isTimePart(text, 11);
}

/** RFC 3339 full-date. */
export function isDate(text: string): boolean {
  return text.length === 10 && isDatePart(text);
}

/** RFC 3339 partial or full time, zone optional. */
export function isTime(text: string): boolean {
  return text.length >= 8 && isTimePart(text, 0);
}
