import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/index';
import { runTestDestination } from '../../src/testing/index';
import { record, schema, state } from '../support/messages';
import { noopDestination } from '../support/noop-destination';

const Noop = noopDestination();

const users = JSON.stringify(schema('users', { id: { type: 'integer' } }, ['id']));
const user1 = JSON.stringify(record('users', { id: 1 }));
const state1 = JSON.stringify(state({ users: 1 }));

/** Runs raw input text and returns the InputError it must fail with, plus the states written before. */
async function failWith(text: string | Buffer, settings = {}) {
  const result = await runTestDestination(Noop, { text, settings: { batchSizeRows: 1, ...settings } });
  assert.ok(result.error instanceof InputError, `expected an InputError, got ${String(result.error)}`);
  return { error: result.error, states: result.states };
}

describe('malformed input is an error that names the line, never a silent skip', () => {
  it('rejects invalid JSON with the line, a short prefix and what to do', async () => {
    const { error, states } = await failWith(
      `${users}\n${user1}\n${state1}\n{"type": "RECORD", "stream"\n${state1}\n`,
    );
    assert.equal(error.code, 'ERR_INVALID_JSON');
    assert.equal(error.line, 4);
    assert.match(
      error.message,
      /^stdin line 4: not valid JSON \(.+\)\. The line starts with "\{\\"type\\": \\"RECORD\\", \\"stream\\"". Each line must be one complete JSON object/,
    );
    assert.deepEqual(states, [{ users: 1 }]);
  });

  it('quotes no more of a bad line than its short prefix, even where V8 would quote more', async () => {
    const secret = 'ssn-078-05-1120';
    const bad = `{"type":"RECORD","stream":"users","record":{"id": 1, "ssn": "${secret}", "x": oops}}`;
    const { error } = await failWith(`${users}\n${bad}\n`);
    assert.equal(error.code, 'ERR_INVALID_JSON');
    assert.equal(
      error.message,
      "stdin line 2: not valid JSON (Unexpected token 'o'). The line starts with " +
        '"{\\"type\\":\\"RECORD\\",\\"stream\\":\\"users\\",\\"recor…". Each line must be one complete JSON ' +
        'object; check the tap for truncated or interleaved output.',
    );
    assert.ok(!error.message.includes(secret));
  });

  it('rejects a truncated last line', async () => {
    const { error } = await failWith(`${users}\n${user1}\n{"type":"STATE","val`);
    assert.equal(error.code, 'ERR_INVALID_JSON');
    assert.equal(error.line, 3);
  });

  it('rejects invalid UTF-8 on the exact line, after handling the lines before it', async () => {
    const bad = Buffer.concat([
      Buffer.from(`${users}\n${user1}\n${state1}\n{"type":"RECORD","stream":"users","record":{"id":2,"n":"`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}\n'),
    ]);
    const { error, states } = await failWith(bad);
    assert.equal(error.code, 'ERR_INVALID_UTF8');
    assert.equal(error.line, 4);
    assert.equal(
      error.message,
      "stdin line 4: the line is not valid UTF-8. Singer messages are UTF-8 JSON; fix the tap's output encoding.",
    );
    assert.deepEqual(states, [{ users: 1 }]);
  });

  it('rejects a line longer than max_line_bytes, even when it spans many chunks', async () => {
    const long = JSON.stringify(record('users', { id: 2, pad: 'x'.repeat(200_000) }));
    const { error } = await failWith(`${users}\n${user1}\n${long}\n`, { maxLineBytes: 100_000 });
    assert.equal(error.code, 'ERR_LINE_TOO_LONG');
    assert.equal(error.line, 3);
    assert.match(
      error.message,
      /^stdin line 3: the line is longer than max_line_bytes \(100000 bytes; at least \d+ read\)\. Raise max_line_bytes/,
    );
  });

  it('accepts a line just under max_line_bytes', async () => {
    const long = JSON.stringify(record('users', { id: 2 })).replace('}}', `,"pad":"${'x'.repeat(1000)}"}}`);
    const result = await runTestDestination(Noop, {
      text: `${JSON.stringify(schema('users', { id: { type: 'integer' }, pad: { type: 'string' } }))}\n${long}\n`,
      settings: { maxLineBytes: Buffer.byteLength(long) },
    });
    assert.equal(result.error, undefined);
  });

  const cases: [string, string, string, RegExp][] = [
    [
      'a message that is not an object',
      '[1,2]',
      'ERR_MESSAGE_NOT_OBJECT',
      /^stdin line 1: a Singer message must be a JSON object, got an array\.$/,
    ],
    [
      'a message without type',
      '{"stream":"users"}',
      'ERR_MISSING_TYPE',
      /^stdin line 1: message has no "type"\./,
    ],
    [
      'a SCHEMA without stream',
      '{"type":"SCHEMA","schema":{"properties":{}}}',
      'ERR_MISSING_STREAM',
      /^stdin line 1: SCHEMA message has no "stream" name/,
    ],
    [
      'a SCHEMA whose schema is not an object with properties',
      '{"type":"SCHEMA","stream":"s","schema":{"type":"object"}}',
      'ERR_INVALID_SCHEMA',
      /^stdin line 1: SCHEMA for stream "s" has no "schema" object with "properties"/,
    ],
    [
      'a schema that is not valid JSON Schema',
      '{"type":"SCHEMA","stream":"s","schema":{"properties":{"a":{"type":"integr"}}}}',
      'ERR_INVALID_SCHEMA',
      /^stdin line 1: SCHEMA for stream "s" is not a valid JSON Schema \(.*\)\. Fix the schema the tap sends\.$/,
    ],
    [
      'key properties the schema lacks',
      '{"type":"SCHEMA","stream":"s","schema":{"properties":{"a":{}}},"key_properties":["id"]}',
      'ERR_INVALID_KEY_PROPERTIES',
      /names key properties the schema does not have: "id"/,
    ],
    [
      'a RECORD before its SCHEMA',
      '{"type":"RECORD","stream":"users","record":{"id":1}}',
      'ERR_RECORD_BEFORE_SCHEMA',
      /^stdin line 1: RECORD for stream "users" arrived before its SCHEMA\. Send a SCHEMA message for "users" first\.$/,
    ],
    [
      'a record that is not an object',
      `${users}\n{"type":"RECORD","stream":"users","record":[1]}`,
      'ERR_RECORD_NOT_OBJECT',
      /^stdin line 2: RECORD for stream "users" has a "record" that is not a JSON object\.$/,
    ],
    [
      'a STATE without value',
      '{"type":"STATE"}',
      'ERR_STATE_WITHOUT_VALUE',
      /^stdin line 1: STATE message has no "value"/,
    ],
    [
      'an ACTIVATE_VERSION without version',
      `${users}\n{"type":"ACTIVATE_VERSION","stream":"users"}`,
      'ERR_INVALID_ACTIVATE_VERSION',
      /needs an integer "version"/,
    ],
    [
      'an ACTIVATE_VERSION with a fractional version',
      `${users}\n{"type":"ACTIVATE_VERSION","stream":"users","version":1.5}`,
      'ERR_INVALID_ACTIVATE_VERSION',
      /needs an integer "version"/,
    ],
    [
      'a record missing a key property',
      `${users}\n{"type":"RECORD","stream":"users","record":{"x":1}}`,
      'ERR_MISSING_KEY_PROPERTY',
      /^stdin line 2: RECORD for stream "users" key property "id" is missing or null\./,
    ],
    [
      'NaN and Infinity literals',
      `${users}\n{"type":"RECORD","stream":"users","record":{"id":NaN}}`,
      'ERR_INVALID_JSON',
      /^stdin line 2: not valid JSON/,
    ],
    [
      'nesting deeper than 1000 levels',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      'ERR_NESTING_TOO_DEEP',
      /^stdin line 1: the message nests arrays or objects more than 1000 levels deep/,
    ],
  ];
  for (const [name, text, code, message] of cases) {
    it(`rejects ${name}`, async () => {
      const { error } = await failWith(`${text}\n`);
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.equal(error.line, text.split('\n').length);
    });
  }

  it('names the stream in record errors', async () => {
    const { error } = await failWith(`${users}\n{"type":"RECORD","stream":"users","record":{"x":1}}\n`);
    assert.equal(error.stream, 'users');
  });
});

describe('odd but valid input', () => {
  it('accepts CRLF line ends, blank lines, a byte-order mark and no final newline', async () => {
    const text = `\uFEFF${users}\r\n\r\n${user1}\r\n   \n${state1}`;
    const result = await runTestDestination(Noop, { text });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.batches[0]!.records, [{ id: 1 }]);
    assert.deepEqual(result.batches[0]!.firstLine, 3);
    assert.deepEqual(result.states, [{ users: 1 }]);
  });

  it('accepts an empty input and writes nothing', async () => {
    const result = await runTestDestination(Noop, { text: '' });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.stdoutLines, []);
    assert.equal(result.summary!.batches, 0);
  });

  it('takes the last value of a duplicated key, as JSON.parse does', async () => {
    const result = await runTestDestination(Noop, {
      text: `${users}\n{"type":"RECORD","stream":"users","record":{"id":1,"id":2}}\n`,
    });
    assert.deepEqual(result.batches[0]!.records, [{ id: 2 }]);
  });

  it('keeps a 10 MB string value intact', async () => {
    const big = 'ü'.repeat(5 * 1024 * 1024);
    const text = `${JSON.stringify(schema('docs', { body: { type: 'string' } }))}\n${JSON.stringify(record('docs', { body: big }))}\n`;
    const result = await runTestDestination(Noop, { text });
    assert.equal(result.error, undefined);
    assert.equal(result.batches[0]!.records[0]!.body, big);
  });
});
