/**
 * The catalogue of bad and odd Singer inputs. Each failing case replaces line 4 of
 *
 *   1 SCHEMA users   2 RECORD users id 1   3 STATE {"pos":3}   4 <the case>   5 RECORD users id 2   6 STATE {"pos":6}
 *
 * (or gives its own lines), and says which error the run must end with. Each accepted case gives its whole input
 * and the exact stdout and loaded ids it must produce.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { writeBatchFiles } from '@singer-dest/sdk/testing';
import { batchDir, batchLine } from './support/batch-files';
import type { Part } from './support/bins';
import { USERS_SCHEMA, recordLine, schemaLine, stateLine, userRecord } from './support/singer';

export const PREAMBLE = [USERS_SCHEMA, userRecord(1, { name: 'a' }), stateLine({ pos: 3 })];
export const TAIL = [userRecord(2), stateLine({ pos: 6 })];
export const STATE_BEFORE = '{"pos":3}\n';

export interface FailingCase {
  name: string;
  /** What replaces line 4 (may hold several lines). A function builds it when the test runs (big inputs). */
  bad: Part | (() => Part);
  /** Lines before the bad part; default {@link PREAMBLE}. */
  before?: string[];
  /** Send lines 5 and 6 after the bad part (default true). */
  tail?: boolean;
  code: string;
  /** The line the error must name; default 4. */
  line?: number;
  /** The stream the error must name (undefined: none known). */
  stream?: string;
  /** For a BATCH message's file: the file URL the error must name, and the line in it. */
  file?: RegExp;
  fileLine?: number;
  /** The message, beyond `stdin line N: `. */
  message: RegExp;
  /** Config settings on top of the target's. */
  settings?: Record<string, unknown>;
  /** stdout must be exactly this; default {@link STATE_BEFORE}. */
  stdout?: string;
  /** ids in `users` after the run; default ['1']. */
  ids?: string[];
  /** Generates big data: run once per bin, with a longer timeout. */
  heavy?: boolean;
}

export interface AcceptedCase {
  name: string;
  input: Part | (() => Part);
  stdout: string;
  ids: string[];
  settings?: Record<string, unknown>;
  /** Extra checks on the loaded `users.name` values. */
  names?: (names: (string | null)[]) => void;
  /** A warning log message that must appear. */
  warning?: RegExp;
  heavy?: boolean;
}

const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** 100 000 levels of nested arrays inside a record. */
function deepRecord(): string {
  const depth = 100_000;
  return `{"type":"RECORD","stream":"users","record":{"id":2,"name":${'['.repeat(depth)}${']'.repeat(depth)}}}\n`;
}

/** A RECORD line of about `megabytes` MB (one string value). */
export function bigRecordLine(id: number, megabytes: number): string {
  return `${userRecord(id, { name: 'x'.repeat(megabytes * 1024 * 1024) })}\n`;
}

export const FAILING: FailingCase[] = [
  {
    name: 'malformed JSON (a missing closing brace)',
    bad: `{"type":"RECORD","stream":"users","record":{"id":2}\n`,
    code: 'ERR_INVALID_JSON',
    message: /not valid JSON .*Each line must be one complete JSON object/,
  },
  {
    name: 'a line that is not JSON at all',
    bad: 'hello world\n',
    code: 'ERR_INVALID_JSON',
    message: /not valid JSON .*The line starts with "hello world"/,
  },
  {
    name: 'single-quoted pseudo-JSON',
    bad: `{'type':'STATE','value':{'pos':4}}\n`,
    code: 'ERR_INVALID_JSON',
    message: /not valid JSON/,
  },
  {
    name: 'two JSON objects on one line (interleaved output)',
    bad: `${stateLine({ pos: 4 })}${stateLine({ pos: 5 })}\n`,
    code: 'ERR_INVALID_JSON',
    message: /not valid JSON/,
  },
  {
    name: 'a raw carriage return inside a JSON string',
    bad: `{"type":"RECORD","stream":"users","record":{"id":2,"name":"a\rb"}}\n`,
    code: 'ERR_INVALID_JSON',
    message: /not valid JSON/,
  },
  {
    name: 'a truncated last line (no newline, cut mid-object)',
    bad: '{"type":"RECORD","stream":"users","rec',
    tail: false,
    code: 'ERR_INVALID_JSON',
    message: /not valid JSON/,
  },
  {
    name: 'invalid UTF-8 (a lone continuation byte)',
    bad: bytes('{"type":"RECORD","stream":"users","record":{"id":2,"name":"', [0x80], '"}}\n'),
    code: 'ERR_INVALID_UTF8',
    message: /the line is not valid UTF-8/,
  },
  {
    name: 'Latin-1 text (é as the single byte 0xE9)',
    bad: bytes('{"type":"RECORD","stream":"users","record":{"id":2,"name":"caf', [0xe9], '"}}\n'),
    code: 'ERR_INVALID_UTF8',
    message: /the line is not valid UTF-8/,
  },
  {
    name: 'a UTF-8-encoded surrogate (CESU-8, ED A0 80)',
    bad: bytes('{"type":"RECORD","stream":"users","record":{"id":2,"name":"', [0xed, 0xa0, 0x80], '"}}\n'),
    code: 'ERR_INVALID_UTF8',
    message: /the line is not valid UTF-8/,
  },
  {
    name: 'a lone surrogate escape in a record (valid JSON, but no UTF-8 output can hold it)',
    bad: lines('{"type":"RECORD","stream":"users","record":{"id":2,"name":"a\\udc00b"}}'),
    code: 'ERR_LONE_SURROGATE',
    stream: 'users',
    message: /RECORD for stream "users" holds a lone UTF-16 surrogate at "\/name"/,
  },
  {
    name: 'UTF-16 input from the first line',
    before: [],
    bad: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${USERS_SCHEMA}\n`, 'utf16le')]),
    tail: false,
    line: 1,
    code: 'ERR_INVALID_UTF8',
    message: /the line is not valid UTF-8/,
    stdout: '',
    ids: [],
  },
  {
    name: 'a byte-order mark in the middle of the input',
    bad: `\uFEFF${stateLine({ pos: 4 })}\n`,
    code: 'ERR_INVALID_JSON',
    message: /not valid JSON/,
  },
  {
    name: 'a message that is a JSON array',
    bad: '[{"type":"STATE","value":{"pos":4}}]\n',
    code: 'ERR_MESSAGE_NOT_OBJECT',
    message: /a Singer message must be a JSON object, got an array\.$/,
  },
  {
    name: 'a message that is a JSON string',
    bad: '"RECORD"\n',
    code: 'ERR_MESSAGE_NOT_OBJECT',
    message: /a Singer message must be a JSON object, got a string\.$/,
  },
  {
    name: 'a message that is null',
    bad: 'null\n',
    code: 'ERR_MESSAGE_NOT_OBJECT',
    message: /a Singer message must be a JSON object, got null\.$/,
  },
  {
    name: 'a message without type',
    bad: `{"stream":"users","record":{"id":2}}\n`,
    code: 'ERR_MISSING_TYPE',
    message: /message has no "type"\. Use "SCHEMA", "RECORD", "STATE" or "ACTIVATE_VERSION"\./,
  },
  {
    name: 'a message whose type is a number',
    bad: `{"type":7,"stream":"users","record":{"id":2}}\n`,
    code: 'ERR_MISSING_TYPE',
    message: /message has no "type"/,
  },
  {
    name: 'a RECORD before the SCHEMA of its stream',
    bad: lines(recordLine('orders', { id: 9 }), schemaLine('orders', { id: { type: 'integer' } })),
    code: 'ERR_RECORD_BEFORE_SCHEMA',
    stream: 'orders',
    message:
      /RECORD for stream "orders" arrived before its SCHEMA\. Send a SCHEMA message for "orders" first\./,
  },
  {
    name: 'a RECORD for a stream never described',
    bad: lines(recordLine('ghosts', { id: 9 })),
    code: 'ERR_RECORD_BEFORE_SCHEMA',
    stream: 'ghosts',
    message: /RECORD for stream "ghosts" arrived before its SCHEMA/,
  },
  {
    name: 'a SCHEMA without stream',
    bad: `{"type":"SCHEMA","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]}\n`,
    code: 'ERR_MISSING_STREAM',
    message: /SCHEMA message has no "stream" name\. Every SCHEMA needs "stream": "<name>"\./,
  },
  {
    name: 'a SCHEMA with an empty stream name',
    bad: `{"type":"SCHEMA","stream":"","schema":{"type":"object","properties":{}}}\n`,
    code: 'ERR_MISSING_STREAM',
    message: /SCHEMA message has no "stream" name/,
  },
  {
    name: 'a schema that is not valid JSON Schema (unknown type name)',
    bad: `${schemaLine('orders', { id: { type: 'integr' } })}\n`,
    code: 'ERR_INVALID_SCHEMA',
    stream: 'orders',
    message: /SCHEMA for stream "orders" is not a valid JSON Schema \(.+\)\. Fix the schema the tap sends\./,
  },
  {
    name: 'a schema that is a string',
    bad: `{"type":"SCHEMA","stream":"orders","schema":"id integer"}\n`,
    code: 'ERR_INVALID_SCHEMA',
    stream: 'orders',
    message: /SCHEMA for stream "orders" has no "schema" object with "properties"/,
  },
  {
    name: 'key properties the schema does not have',
    bad: `${schemaLine('orders', { id: { type: 'integer' } }, ['order_id'])}\n`,
    code: 'ERR_INVALID_KEY_PROPERTIES',
    stream: 'orders',
    message: /names key properties the schema does not have: "order_id"/,
  },
  {
    name: 'key properties that are not a list',
    bad: `{"type":"SCHEMA","stream":"orders","schema":{"type":"object","properties":{"id":{}}},"key_properties":"id"}\n`,
    code: 'ERR_INVALID_KEY_PROPERTIES',
    stream: 'orders',
    message: /"key_properties" that is not a list of property names/,
  },
  {
    name: 'a record that is an array',
    bad: `{"type":"RECORD","stream":"users","record":[2]}\n`,
    code: 'ERR_RECORD_NOT_OBJECT',
    stream: 'users',
    message: /RECORD for stream "users" has a "record" that is not a JSON object\./,
  },
  {
    name: 'a RECORD without record',
    bad: `{"type":"RECORD","stream":"users"}\n`,
    code: 'ERR_RECORD_NOT_OBJECT',
    stream: 'users',
    message: /has a "record" that is not a JSON object/,
  },
  {
    name: 'a record with a wrong type',
    bad: `${userRecord(2, { name: 42 })}\n`,
    code: 'ERR_RECORD_INVALID',
    stream: 'users',
    message: /RECORD for stream "users" does not match the stream's schema: \/name must be null,string/,
  },
  {
    name: 'a record with a fractional integer key',
    bad: `{"type":"RECORD","stream":"users","record":{"id":2.5}}\n`,
    code: 'ERR_RECORD_INVALID',
    stream: 'users',
    message: /\/id must be integer/,
  },
  {
    name: 'a record with a bad date-time',
    bad: `${userRecord(2, { ts: '2024-13-45T99:00:00Z' })}\n`,
    code: 'ERR_RECORD_INVALID',
    stream: 'users',
    message: /\/ts must match format "date-time"/,
  },
  {
    name: 'a record missing a required property',
    before: [
      JSON.stringify({
        type: 'SCHEMA',
        stream: 'users',
        schema: {
          type: 'object',
          properties: { id: { type: 'integer' }, name: { type: 'string' } },
          required: ['id', 'name'],
        },
        key_properties: ['id'],
      }),
      userRecord(1, { name: 'a' }),
      stateLine({ pos: 3 }),
    ],
    bad: `${userRecord(2)}\n`,
    code: 'ERR_RECORD_INVALID',
    stream: 'users',
    message: /must have required property 'name'/,
  },
  {
    name: 'a record missing its key property',
    bad: `${recordLine('users', { name: 'no id' })}\n`,
    code: 'ERR_MISSING_KEY_PROPERTY',
    stream: 'users',
    message: /RECORD for stream "users" key property "id" is missing or null\./,
  },
  {
    name: 'a record whose key property is null',
    bad: `${recordLine('users', { id: null })}\n`,
    code: 'ERR_MISSING_KEY_PROPERTY',
    stream: 'users',
    message: /key property "id" is missing or null/,
  },
  {
    name: 'a STATE without value',
    bad: '{"type":"STATE"}\n',
    code: 'ERR_STATE_WITHOUT_VALUE',
    message: /STATE message has no "value"\./,
  },
  {
    name: 'an ACTIVATE_VERSION without version',
    bad: '{"type":"ACTIVATE_VERSION","stream":"users"}\n',
    code: 'ERR_INVALID_ACTIVATE_VERSION',
    stream: 'users',
    message: /ACTIVATE_VERSION for stream "users" needs an integer "version"\./,
  },
  {
    name: 'an ACTIVATE_VERSION whose version is a string',
    bad: '{"type":"ACTIVATE_VERSION","stream":"users","version":"7"}\n',
    code: 'ERR_INVALID_ACTIVATE_VERSION',
    stream: 'users',
    message: /needs an integer "version"/,
  },
  {
    name: 'a BATCH whose manifest names a missing file',
    bad: () => {
      const batch = writeBatchFiles(batchDir(), 'users', [['{"id":3}']]);
      rmSync(new URL(batch.manifest[0]!));
      return `${JSON.stringify(batch)}\n`;
    },
    code: 'ERR_BATCH_FILE_UNREADABLE',
    stream: 'users',
    file: /^file:\/\/\/.+-1\.json\.gz$/,
    message: /BATCH for stream "users", file:\/\/\/\S+-1\.json\.gz: cannot read the file \(no such file\)\./,
  },
  {
    name: 'a BATCH file that is not gzip data',
    bad: () => {
      const batch = writeBatchFiles(batchDir(), 'users', [['{"id":3}']]);
      writeFileSync(new URL(batch.manifest[0]!), '{"id":3}\n');
      return `${JSON.stringify(batch)}\n`;
    },
    code: 'ERR_BATCH_FILE_CORRUPT',
    stream: 'users',
    file: /-1\.json\.gz$/,
    fileLine: 1,
    message:
      /BATCH for stream "users", file:\/\/\/\S+ line 1: the file is not valid gzip data \(incorrect header check\)/,
  },
  {
    name: 'an invalid record on line 2 of the second BATCH file',
    bad: () =>
      `${batchLine(batchDir(), 'users', [['{"id":3,"name":"c"}'], ['{"id":4}', '{"id":5,"name":7}', '{"id":6}']])}\n`,
    // The BATCH's records stay buffered (the targets' own config flushes every record, which would load some of
    // them, or not, by timing); the record before the STATE is flushed by age, so the STATE is written.
    settings: { batch_size_rows: 1000, batch_wait_limit_seconds: 1 },
    code: 'ERR_RECORD_INVALID',
    stream: 'users',
    file: /-2\.json\.gz$/,
    fileLine: 2,
    message:
      /BATCH for stream "users", file:\/\/\/\S+-2\.json\.gz line 2: the record does not match the stream's schema: \/name must be null,string\./,
  },
  {
    name: 'a BATCH with a wrong encoding name',
    bad: () => {
      const batch = writeBatchFiles(batchDir(), 'users', [['{"id":3}']]);
      return `${JSON.stringify({ ...batch, encoding: { format: 'json-lines', compression: 'gzip' } })}\n`;
    },
    code: 'ERR_BATCH_UNSUPPORTED',
    stream: 'users',
    message: /BATCH for stream "users" has encoding format "json-lines": only "jsonl" batch files are read\./,
  },
  {
    name: "a BATCH before its stream's SCHEMA",
    bad: () => `${batchLine(batchDir(), 'orders', [['{"id":3}']])}\n`,
    code: 'ERR_RECORD_BEFORE_SCHEMA',
    stream: 'orders',
    message: /BATCH for stream "orders" arrived before its SCHEMA\./,
  },
  {
    name: 'a NaN literal',
    bad: `{"type":"RECORD","stream":"users","record":{"id":NaN}}\n`,
    code: 'ERR_INVALID_JSON',
    message: /not valid JSON/,
  },
  {
    name: 'an Infinity literal',
    bad: `{"type":"RECORD","stream":"users","record":{"id":2,"name":Infinity}}\n`,
    code: 'ERR_INVALID_JSON',
    message: /not valid JSON/,
  },
  {
    name: 'a -Infinity literal',
    bad: `{"type":"RECORD","stream":"users","record":{"id":-Infinity}}\n`,
    code: 'ERR_INVALID_JSON',
    message: /not valid JSON/,
  },
  {
    name: 'nesting 100 000 levels deep',
    bad: deepRecord,
    code: 'ERR_NESTING_TOO_DEEP',
    message: /the message nests arrays or objects more than 1000 levels deep/,
  },
  {
    name: 'a 50 MB line over the line cap (max_line_bytes 10 000 000)',
    bad: () => bigRecordLine(2, 50),
    settings: { max_line_bytes: 10_000_000 },
    code: 'ERR_LINE_TOO_LONG',
    message:
      /the line is longer than max_line_bytes \(10000000 bytes; at least \d+ read\)\. Raise max_line_bytes/,
    heavy: true,
  },
];

/** 10 MB of text that is not one repeated character: every 1024-char block differs. */
let tenMegabytes: string | undefined;

export function tenMegabyteText(): string {
  if (tenMegabytes !== undefined) return tenMegabytes;
  const blocks: string[] = [];
  for (let i = 0; i < 10 * 1024; i++)
    blocks.push(`${i.toString(36).padStart(4, '0')}é${'ab"c,\\'.repeat(170)}`);
  tenMegabytes = blocks.join('');
  return tenMegabytes;
}

export const ACCEPTED: AcceptedCase[] = [
  {
    // tap-mysql sends ACTIVATE_VERSION before a stream's first SCHEMA; one that no SCHEMA follows is only warned of.
    name: 'an ACTIVATE_VERSION for a stream never described',
    input: lines(...PREAMBLE, '{"type":"ACTIVATE_VERSION","stream":"ghosts","version":7}', ...TAIL),
    stdout: '{"pos":3}\n{"pos":6}\n',
    ids: ['1', '2'],
    warning: /line 4: ACTIVATE_VERSION for stream "ghosts" was ignored: no SCHEMA for "ghosts" followed it\./,
  },
  {
    name: 'an empty input',
    input: '',
    stdout: '',
    ids: [],
  },
  {
    name: 'a byte-order mark before the first line',
    input: `\uFEFF${lines(...PREAMBLE, ...TAIL)}`,
    stdout: '{"pos":3}\n{"pos":6}\n',
    ids: ['1', '2'],
  },
  {
    name: 'blank and whitespace-only lines between messages',
    input: `\n${USERS_SCHEMA}\n\n   \n${userRecord(1)}\n\t\n${stateLine({ pos: 3 })}\n\n`,
    stdout: '{"pos":3}\n',
    ids: ['1'],
  },
  {
    name: 'CRLF line ends',
    input: [...PREAMBLE, ...TAIL].map((l) => `${l}\r\n`).join(''),
    stdout: '{"pos":3}\n{"pos":6}\n',
    ids: ['1', '2'],
  },
  {
    name: 'lower-case and mixed-case message types',
    input: lines(
      USERS_SCHEMA.replace('"SCHEMA"', '"schema"'),
      userRecord(1).replace('"RECORD"', '"record"'),
      stateLine({ pos: 3 }).replace('"STATE"', '"state"'),
      userRecord(2).replace('"RECORD"', '"Record"'),
      stateLine({ pos: 5 }).replace('"STATE"', '"State"'),
    ),
    stdout: '{"pos":3}\n{"pos":5}\n',
    ids: ['1', '2'],
  },
  {
    name: 'a last line without a newline',
    input: `${lines(...PREAMBLE, userRecord(2))}${stateLine({ pos: 5 })}`,
    stdout: '{"pos":3}\n{"pos":5}\n',
    ids: ['1', '2'],
  },
  {
    name: 'an unknown message type (skipped with a warning, as the Singer spec allows)',
    input: lines(...PREAMBLE, '{"type":"PROGRESS","stream":"users","done":0.5}', ...TAIL),
    stdout: '{"pos":3}\n{"pos":6}\n',
    ids: ['1', '2'],
    warning: /line 4: skipping messages of unknown type "PROGRESS"/,
  },
  {
    name: 'duplicate keys in one object (the last value wins, as in JSON.parse)',
    input: lines(
      ...PREAMBLE,
      '{"type":"RECORD","stream":"users","record":{"id":2,"name":"first","name":"second"}}',
      '{"type":"STATE","value":{"pos":1},"value":{"pos":5}}',
    ),
    stdout: '{"pos":3}\n{"pos":5}\n',
    ids: ['1', '2'],
    names: (names) => {
      if (names[1] !== 'second') throw new Error(`expected "second", got ${String(names[1])}`);
    },
  },
  {
    name: 'STATE messages with an empty or null value (never written: nothing to checkpoint)',
    input: lines(...PREAMBLE, stateLine({}), userRecord(2), stateLine(null), stateLine({ pos: 7 })),
    stdout: '{"pos":3}\n{"pos":7}\n',
    ids: ['1', '2'],
  },
  {
    name: 'a 10 MB string value (kept byte for byte)',
    input: () => lines(...PREAMBLE, userRecord(2, { name: tenMegabyteText() }), stateLine({ pos: 5 })),
    stdout: '{"pos":3}\n{"pos":5}\n',
    ids: ['1', '2'],
    names: (names) => {
      if (names[1] !== tenMegabyteText()) throw new Error('the 10 MB value was not kept exactly');
    },
    heavy: true,
  },
  {
    name: 'a 50 MB line under the default line cap',
    input: () => `${lines(...PREAMBLE)}${bigRecordLine(2, 50)}${lines(stateLine({ pos: 5 }))}`,
    stdout: '{"pos":3}\n{"pos":5}\n',
    ids: ['1', '2'],
    names: (names) => {
      if (names[1]?.length !== 50 * 1024 * 1024 || !/^x+$/.test(names[1]))
        throw new Error(`the 50 MB value came back with ${names[1]?.length} characters`);
    },
    heavy: true,
  },
];
