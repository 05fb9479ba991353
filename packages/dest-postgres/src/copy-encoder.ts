import { ExactNumber, stringifyJson } from '@singer-dest/sdk/toolkit';

/** How NUL characters are handled: replaced with U+FFFD, or reported through `onNul` (which throws). */
export interface NulPolicy {
  sanitize: boolean;
  /** Called when a value holds U+0000 and `sanitize` is off; must throw. */
  onNul: () => never;
}

const NEEDS_ESCAPE = /[\\\n\r\t\0]/;
const BACKSLASH = /\\/g;
const NUL = /\0/g;
const REPLACEMENT = '\uFFFD';

/** COPY text format's NULL. */
export const COPY_NULL = '\\N';

/**
 * Escapes text for COPY's text format: backslash, newline, carriage return and tab get a backslash escape; every
 * other character (any unicode) passes as it is.
 *
 * @example
 * ```ts
 * escapeCopyText('a\tb\\c'); // 'a\\tb\\\\c'
 * ```
 */
export function escapeCopyText(text: string): string {
  return escaped(text, false)!;
}

/**
 * The escaped text in one pass over the characters (no regular expression callback per match). With `stopAtNul`,
 * `undefined` at a NUL character, which COPY's text format cannot carry; else a NUL passes as it is.
 */
function escaped(text: string, stopAtNul: boolean): string | undefined {
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    let escape: string;
    switch (text.charCodeAt(i)) {
      case 0x5c:
        escape = '\\\\';
        break;
      case 0x0a:
        escape = '\\n';
        break;
      case 0x0d:
        escape = '\\r';
        break;
      case 0x09:
        escape = '\\t';
        break;
      case 0x00:
        if (stopAtNul) return undefined;
        continue;
      default:
        continue;
    }
    out += text.slice(copied, i) + escape;
    copied = i + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * The fast path for text: a string as COPY text, or `undefined` when it holds a NUL character (then
 * {@link encodePlainValue} applies the NUL policy). Most strings need no escape; one native scan tells.
 *
 * @example
 * ```ts
 * copyTextOf('a\tb'); // 'a\\tb'
 * copyTextOf('a\u0000b'); // undefined
 * ```
 */
export function copyTextOf(text: string): string | undefined {
  return NEEDS_ESCAPE.test(text) ? escaped(text, true) : text;
}

/**
 * The fast path for json/jsonb columns: a value as JSON text escaped for COPY, or `undefined` when the JSON may
 * hold a NUL character (then {@link encodeJsonValue} applies the NUL policy). JSON text never holds a raw
 * newline, carriage return or tab (JSON escapes every control character), so only backslashes are doubled.
 *
 * @example
 * ```ts
 * copyJsonOf({ q: 'a"b' }); // '{"q":"a\\\\"b"}'
 * ```
 */
export function copyJsonOf(value: unknown): string | undefined {
  const json = stringifyJson(value);
  if (!json.includes('\\')) return json;
  return json.includes('\\u0000') ? undefined : json.replace(BACKSLASH, '\\\\');
}

/** A copy of a JSON value with U+0000 replaced in every string and key. */
function replaceNulDeep(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(NUL, REPLACEMENT);
  if (Array.isArray(value)) return value.map(replaceNulDeep);
  if (value !== null && typeof value === 'object' && !(value instanceof ExactNumber)) {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      copy[key.replace(NUL, REPLACEMENT)] = replaceNulDeep(inner);
    return copy;
  }
  return value;
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object' && !(value instanceof ExactNumber)) {
    return Object.entries(value).some(([key, inner]) => key.includes('\0') || holdsNul(inner));
  }
  return false;
}

/**
 * A value as JSON text for a json/jsonb column (a string becomes a JSON string), escaped for COPY. Exact numbers
 * are written digit for digit.
 */
export function encodeJsonValue(value: unknown, nul: NulPolicy): string {
  let json = stringifyJson(value);
  // JSON writes U+0000 as the escape \u0000; only then look deeper (a literal backslash before "u0000" is fine).
  if (json.includes('\\u0000') && holdsNul(value)) {
    if (!nul.sanitize) nul.onNul();
    json = stringifyJson(replaceNulDeep(value));
  }
  return NEEDS_ESCAPE.test(json) ? escapeCopyText(json) : json;
}

/**
 * A value as COPY text for any other column: strings as they are (escaped), numbers as JavaScript writes them,
 * {@link ExactNumber}s digit for digit, booleans as `true`/`false`, objects and arrays as exact JSON.
 */
export function encodePlainValue(value: unknown, nul: NulPolicy): string {
  switch (typeof value) {
    case 'string': {
      if (!NEEDS_ESCAPE.test(value)) return value;
      let text = value;
      if (text.includes('\0')) {
        if (!nul.sanitize) nul.onNul();
        text = text.replace(NUL, REPLACEMENT);
      }
      return escapeCopyText(text);
    }
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    default:
      if (value instanceof ExactNumber) return value.text;
      return encodeJsonValue(value, nul);
  }
}
