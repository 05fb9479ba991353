import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../src/index';
import { findLoneSurrogate, mayHoldLoneSurrogate } from '../../src/json/lone-surrogate';
import { runTestDestination } from '../../src/testing/index';
import { Destination, ExportBatch, type RecordBatchContext } from '../../src/index';

describe('lone surrogates', () => {
  it('are found by JSON pointer, in values and keys, nested or not; pairs are fine', () => {
    assert.equal(findLoneSurrogate({ a: 'ok', b: ['x', 'y\ud800'] }), '/b/1');
    assert.equal(findLoneSurrogate({ 'k\udc00': 1 }), '/k\udc00');
    assert.equal(findLoneSurrogate({ 'a/b': { 'c~d': '\udfff' } }), '/a~1b/c~0d');
    assert.equal(findLoneSurrogate('\ud83d'), '/');
    assert.equal(findLoneSurrogate({ emoji: '😀', n: 1, z: null, t: true, deep: [[{ s: 'é' }]] }), undefined);
  });

  it('can only come from an escape the cheap line test sees', () => {
    assert.equal(mayHoldLoneSurrogate('{"a":"\\uD800"}'), true);
    assert.equal(mayHoldLoneSurrogate('{"a":"\\udc00"}'), true);
    assert.equal(mayHoldLoneSurrogate('{"a":"\\u00e9 \\ud7ff 😀"}'), false);
    // Whatever the value, JSON text that parses to a lone surrogate passes the line test.
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '😀'),
        fc.string({ unit: 'binary', maxLength: 1 }),
      ),
    });
    fc.assert(
      fc.property(fc.dictionary(text, fc.oneof(text, fc.array(text))), (value) => {
        const json = JSON.stringify(value);
        if (findLoneSurrogate(JSON.parse(json)) !== undefined) assert.equal(mayHoldLoneSurrogate(json), true);
      }),
      { numRuns: 500 },
    );
  });
});

@Destination()
class Collect {
  static names: unknown[] = [];
  @ExportBatch
  write({ records }: RecordBatchContext) {
    Collect.names.push(...records.map((r) => r.name));
  }
}

describe('a record with a lone surrogate', () => {
  const schema =
    '{"type":"SCHEMA","stream":"users","schema":{"properties":{"id":{"type":"integer"},"name":{"type":"string"}}},"key_properties":["id"]}';
  const input = [
    schema,
    '{"type":"RECORD","stream":"users","record":{"id":1,"name":"pair \\ud83d\\ude00"}}',
    '{"type":"STATE","value":{"pos":3}}',
    '{"type":"RECORD","stream":"users","record":{"id":2,"name":"lone \\uD800 here"}}',
    '{"type":"RECORD","stream":"users","record":{"id":3,"name":"ok"}}',
    '{"type":"STATE","value":{"pos":6}}',
  ].join('\n');

  it('stops the run with the line, stream and pointer, instead of loading U+FFFD', async () => {
    Collect.names = [];
    const result = await runTestDestination(Collect, { text: input, settings: { batchSizeRows: 1 } });
    assert.ok(result.error instanceof InputError);
    assert.equal(result.error.code, 'ERR_LONE_SURROGATE');
    assert.equal(result.error.line, 4);
    assert.equal(result.error.stream, 'users');
    assert.equal(
      result.error.message,
      'stdin line 4: RECORD for stream "users" holds a lone UTF-16 surrogate at "/name" (a \\uD800-\\uDFFF escape ' +
        'without its pair), which UTF-8 output cannot hold: it would be written as U+FFFD. Fix the tap, or set ' +
        'invalid_record_policy to "skip" or "dead_letter" to load the other records.',
    );
    assert.deepEqual(result.states, [{ pos: 3 }]);
    assert.deepEqual(Collect.names, ['pair 😀']);
  });

  it('is skipped under invalid_record_policy "skip", and the rest loads', async () => {
    Collect.names = [];
    const result = await runTestDestination(Collect, {
      text: input,
      settings: { invalidRecordPolicy: 'skip' },
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(Collect.names, ['pair 😀', 'ok']);
    assert.deepEqual(result.summary?.invalidRecords, { users: 1 });
    assert.deepEqual(result.states, [{ pos: 6 }]);
  });
});
