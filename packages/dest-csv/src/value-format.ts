import { ExactNumber, stringifyJson } from '@singer-dest/sdk/toolkit';

/** Characters that make spreadsheet programs run a cell as a formula (the set csv-stringify's escape_formulas uses). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * A record value as CSV cell text, before quoting: `null` for a missing or null value (an empty field), strings as
 * they are, numbers with the input's digits, booleans as `true`/`false`, objects and arrays as JSON text. With
 * `escapeFormulas`, text starting like a formula gets a leading `'` (numbers and JSON never do).
 *
 * @example
 * ```ts
 * formatValue(new ExactNumber('12345678901234567890.5'), false); // '12345678901234567890.5'
 * formatValue({ a: [1, null] }, false); // '{"a":[1,null]}'
 * formatValue('=SUM(A1)', true); // "'=SUM(A1)"
 * ```
 */
export function formatValue(value: unknown, escapeFormulas: boolean): string | null {
  switch (typeof value) {
    case 'string':
      return escapeFormulas && FORMULA_START.test(value) ? `'${value}` : value;
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return null;
    default:
      if (value === null) return null;
      if (value instanceof ExactNumber) return value.text;
      return stringifyJson(value);
  }
}
