import { ExactNumber, stringifyJson } from '@singer-dest/sdk';
import { PostgresDestinationError } from './errors';

/** One column of the COPY: its name (for errors), how to write it, and where its value comes from. */
export interface CopyColumn {
  /** The property or metadata name, for error messages. */
  label: string;
  /** True for json/jsonb columns: every value is written as JSON text (a string becomes a JSON string). */
  json: boolean;
  /** The value of row `index` of the batch; `undefined` and `null` are written as NULL. */
  valueOf: (index: number) => unknown;
}

/** How the encoder treats NUL characters, and how it names a row in an error. */
export interface EncodeOptions {
  /** Replace U+0000 with U+FFFD instead of failing. */
  sanitizeNul: boolean;
  /** The input line of batch row `index`. */
  lineOf: (index: number) => number;
  stream: string;
}

/** Flush the text buffer to a Buffer once it holds this many UTF-16 units (a few hundred KiB of UTF-8). */
const CHUNK_CHARS = 256 * 1024;
const NEEDS_ESCAPE = /[\\\n\r\t\0]/;
const ESCAPED = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const NUL = /\0/g;
const REPLACEMENT = '\uFFFD';

function nulError(options: EncodeOptions, index: number, column: CopyColumn): PostgresDestinationError {
  const line = options.lineOf(index);
  return new PostgresDestinationError(
    'ERR_PG_NUL_CHARACTER',
    `input line ${line}: stream "${options.stream}", property "${column.label}" contains a NUL character (U+0000), ` +
      'which PostgreSQL cannot store in text or jsonb. Remove it in the tap, or set sanitize_null_text_characters ' +
      'to true to replace it with U+FFFD',
    { line, stream: options.stream },
  );
}

/**
 * Escapes text for COPY's text format: backslash, newline, carriage return and tab get a backslash escape; all
 * other characters (any unicode) pass as they are. Most strings need no escape and are returned as is.
 */
function escapeCopyText(text: string): string {
  return text.replace(ESCAPED, (char) => ESCAPES[char]!);
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

function encodeJson(value: unknown, options: EncodeOptions, index: number, column: CopyColumn): string {
  let json = stringifyJson(value);
  // JSON writes U+0000 as the escape \u0000; only then look deeper (a literal backslash before "u0000" is fine).
  if (json.includes('\\u0000') && holdsNul(value)) {
    if (!options.sanitizeNul) throw nulError(options, index, column);
    json = stringifyJson(replaceNulDeep(value));
  }
  return NEEDS_ESCAPE.test(json) ? escapeCopyText(json) : json;
}

function encodePlain(value: unknown, options: EncodeOptions, index: number, column: CopyColumn): string {
  switch (typeof value) {
    case 'string': {
      if (!NEEDS_ESCAPE.test(value)) return value;
      let text = value;
      if (text.includes('\0')) {
        if (!options.sanitizeNul) throw nulError(options, index, column);
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
      // An object or array in a text column: its JSON text.
      return encodeJson(value, options, index, column);
  }
}

/**
 * Encodes batch rows as PostgreSQL COPY text format (tab-separated, `\N` for NULL, backslash escapes), yielding
 * Buffers of a few hundred KiB. Text format is what PostgreSQL parses fastest for mixed data, and needs no quoting:
 * only backslash, tab, newline and carriage return are escaped, so most values are appended as they are. Numbers
 * that arrived as {@link ExactNumber} are written digit for digit; objects and arrays as exact JSON.
 *
 * @example
 * ```ts
 * const chunks = encodeCopyRows(columns, [0, 1, 2], { sanitizeNul: false, lineOf: (i) => lines[i], stream });
 * await pipeline(Readable.from(chunks), client.query(copyFrom('COPY t FROM STDIN')));
 * ```
 */
export function* encodeCopyRows(
  columns: readonly CopyColumn[],
  rows: Iterable<number>,
  options: EncodeOptions,
): Generator<Buffer> {
  const last = columns.length - 1;
  let text = '';
  for (const index of rows) {
    for (let c = 0; c <= last; c++) {
      const column = columns[c]!;
      const value = column.valueOf(index);
      if (value === undefined || value === null) text += '\\N';
      else
        text += column.json
          ? encodeJson(value, options, index, column)
          : encodePlain(value, options, index, column);
      text += c === last ? '\n' : '\t';
    }
    if (text.length >= CHUNK_CHARS) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text, 'utf8');
}
