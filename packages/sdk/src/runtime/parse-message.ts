import { InputError } from '../errors';
import { parseJsonExact } from '../json/parse-json';
import type { JsonSchema, RecordMessage, SingerRecord } from '../contexts';
import { parseBatchMessage, type BatchMessage } from './batch-message';

/** A Singer message, checked for the fields its type needs. */
export type SingerMessage =
  | {
      type: 'SCHEMA';
      stream: string;
      schema: JsonSchema;
      keyProperties: string[];
      bookmarkProperties: string[];
    }
  | {
      type: 'RECORD';
      stream: string;
      message: RecordMessage;
      approximateRecord: SingerRecord;
      /**
       * Whether its line holds a number literal a double cannot hold (an ExactNumber in the message): only such
       * a line needs the exact parse again when an encode thread reads it; the others give the same with JSON.parse.
       */
      hasExactNumbers: boolean;
    }
  | { type: 'STATE'; value: unknown }
  | { type: 'ACTIVATE_VERSION'; stream: string; version: number }
  | BatchMessage
  | { type: 'UNKNOWN'; rawType: string };

/** One kind of {@link SingerMessage}: `Message<'SCHEMA'>`. */
export type Message<T extends SingerMessage['type']> = Extract<SingerMessage, { type: T }>;

/** Nesting deeper than this is refused: deeper values break recursive serialisers (JSON.stringify, jsonb). */
export const MAX_NESTING_DEPTH = 1000;

const PREFIX_CHARS = 40;

/** A short, safe prefix of a bad line for error messages: never the whole line, which may hold personal data. */
function quotePrefix(text: string): string {
  const prefix = text.length > PREFIX_CHARS ? `${text.slice(0, PREFIX_CHARS)}…` : text;
  return JSON.stringify(prefix);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The deepest nesting of arrays and objects in a JSON text, ignoring brackets inside strings. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Where a message came from, for error messages. */
export interface LineSource {
  /** `stdin` or the file name. */
  name: string;
  line: number;
}

function at(source: LineSource): string {
  return `${source.name} line ${source.line}`;
}

/** Parses one line as exact JSON (refusing too deep nesting); throws {@link InputError} naming the line. */
export function parseJsonLine(text: string, source: LineSource) {
  // Only a line this long can nest this deep; the scan costs nothing on ordinary lines.
  if (text.length > 2 * MAX_NESTING_DEPTH && nestingDepth(text) > MAX_NESTING_DEPTH) {
    throw new InputError(
      'ERR_NESTING_TOO_DEEP',
      `${at(source)}: the message nests arrays or objects more than ${MAX_NESTING_DEPTH} levels deep. ` +
        'Flatten the data in the tap, or send the deep part as a JSON string.',
      { line: source.line },
    );
  }
  try {
    return parseJsonExact(text);
  } catch (error) {
    // V8 quotes a snippet of the line in some messages (`..., "{"email":"a@b..." is not valid JSON`): drop it,
    // the message quotes at most the short prefix below and never record contents beyond it.
    const message = error instanceof Error ? error.message : String(error);
    const reason = message.replace(/(?:, )?(?:\.\.\.)?".*" is not valid JSON$/s, '') || 'not a JSON value';
    throw new InputError(
      'ERR_INVALID_JSON',
      `${at(source)}: not valid JSON (${reason}). The line starts with ${quotePrefix(text)}. ` +
        'Each line must be one complete JSON object; check the tap for truncated or interleaved output.',
      { line: source.line },
    );
  }
}

function requireStream(message: Record<string, unknown>, type: string, source: LineSource): string {
  const stream = message.stream;
  if (typeof stream !== 'string' || stream.length === 0) {
    throw new InputError(
      'ERR_MISSING_STREAM',
      `${at(source)}: ${type} message has no "stream" name. Every ${type} needs "stream": "<name>".`,
      { line: source.line },
    );
  }
  return stream;
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

function parseSchema(message: Record<string, unknown>, source: LineSource): SingerMessage {
  const stream = requireStream(message, 'SCHEMA', source);
  const where = { line: source.line, stream };
  const schema = message.schema;
  if (!isPlainObject(schema) || !isPlainObject(schema.properties)) {
    throw new InputError(
      'ERR_INVALID_SCHEMA',
      `${at(source)}: SCHEMA for stream "${stream}" has no "schema" object with "properties". ` +
        'Send a JSON Schema like {"type": "object", "properties": {...}}.',
      where,
    );
  }
  const keyProperties = stringList(message.key_properties);
  if (!keyProperties) {
    throw new InputError(
      'ERR_INVALID_KEY_PROPERTIES',
      `${at(source)}: SCHEMA for stream "${stream}" has "key_properties" that is not a list of property names.`,
      where,
    );
  }
  const properties = schema.properties;
  const missing = keyProperties.filter((k) => !Object.hasOwn(properties, k));
  if (missing.length > 0) {
    throw new InputError(
      'ERR_INVALID_KEY_PROPERTIES',
      `${at(source)}: SCHEMA for stream "${stream}" names key properties the schema does not have: ` +
        `${missing.map((m) => JSON.stringify(m)).join(', ')}. Add them to "properties" or fix "key_properties".`,
      where,
    );
  }
  return {
    type: 'SCHEMA',
    stream,
    schema: schema,
    keyProperties,
    bookmarkProperties: stringList(message.bookmark_properties) ?? [],
  };
}

/**
 * Parses one Singer line into a checked message. Throws {@link InputError} naming the line (and stream) for
 * anything malformed. Returns undefined for a blank line.
 *
 * @example
 * ```ts
 * const message = parseMessage('{"type":"STATE","value":{"a":1}}', { name: 'stdin', line: 7 });
 * ```
 */
export function parseMessage(text: string, source: LineSource): SingerMessage | undefined {
  if (text.length === 0 || text.trim().length === 0) return undefined;
  const parsed = parseJsonLine(text, source);
  const message = parsed.value;
  if (!isPlainObject(message)) {
    throw new InputError(
      'ERR_MESSAGE_NOT_OBJECT',
      `${at(source)}: a Singer message must be a JSON object, got ${Array.isArray(message) ? 'an array' : typeof message === 'object' ? 'null' : `a ${typeof message}`}.`,
      { line: source.line },
    );
  }
  const rawType = message.type;
  if (typeof rawType !== 'string' || rawType.length === 0) {
    throw new InputError(
      'ERR_MISSING_TYPE',
      `${at(source)}: message has no "type". Use "SCHEMA", "RECORD", "STATE" or "ACTIVATE_VERSION".`,
      { line: source.line },
    );
  }
  // Exact match first: almost every line says RECORD, and toUpperCase allocates.
  const type = rawType === 'RECORD' ? rawType : rawType.toUpperCase();
  switch (type) {
    case 'RECORD': {
      const stream = requireStream(message, 'RECORD', source);
      const record = message.record;
      if (!isPlainObject(record)) {
        throw new InputError(
          'ERR_RECORD_NOT_OBJECT',
          `${at(source)}: RECORD for stream "${stream}" has a "record" that is not a JSON object.`,
          { line: source.line, stream },
        );
      }
      const approximateRecord = parsed.hasExactNumbers
        ? ((parsed.approximate as SingerRecord).record as SingerRecord)
        : record;
      return {
        type: 'RECORD',
        stream,
        message: message as unknown as RecordMessage,
        approximateRecord,
        hasExactNumbers: parsed.hasExactNumbers,
      };
    }
    case 'SCHEMA':
      return parseSchema(message, source);
    case 'STATE':
      if (!Object.hasOwn(message, 'value')) {
        throw new InputError(
          'ERR_STATE_WITHOUT_VALUE',
          `${at(source)}: STATE message has no "value". Send {"type": "STATE", "value": {...}}.`,
          { line: source.line },
        );
      }
      return { type: 'STATE', value: message.value };
    case 'ACTIVATE_VERSION': {
      const stream = requireStream(message, 'ACTIVATE_VERSION', source);
      const version = message.version;
      if (typeof version !== 'number' || !Number.isSafeInteger(version)) {
        throw new InputError(
          'ERR_INVALID_ACTIVATE_VERSION',
          `${at(source)}: ACTIVATE_VERSION for stream "${stream}" needs an integer "version".`,
          { line: source.line, stream },
        );
      }
      return { type: 'ACTIVATE_VERSION', stream, version };
    }
    case 'BATCH':
      return parseBatchMessage(message, requireStream(message, 'BATCH', source), source);
    default:
      return { type: 'UNKNOWN', rawType };
  }
}
