import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Destination,
  ExportBatch,
  InputError,
  OnActivateVersion,
  OnSchema,
  type ActivateVersionContext,
  type RecordBatchContext,
  type SchemaContext,
} from '../../src/index';
import { runTestDestination } from '../../src/testing/index';
import { record, schema, state } from '../support/messages';
import { noopDestination } from '../support/noop-destination';

const people = schema(
  'people',
  {
    id: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
    name: { type: ['null', 'string'], maxLength: 4 },
    tags: { type: ['null', 'object'] },
  },
  ['id'],
);

@Destination({ jsonColumnsHoldAnyJson: true })
class JsonColumns {
  @ExportBatch
  write() {}
}

describe('constraint deviations in the loop', () => {
  const messages = [
    people,
    record('people', { id: 1, name: 'Ἀθῆναι' }),
    record('people', { id: 2, name: 'ok' }),
    record('people', { id: 3, name: 'Ελληνικά', tags: ['a'] }),
    record('people', { id: 4, name: 'Ελλάδα' }),
    state({ pos: 5 }),
  ];

  it('loads deviating records, warns once per stream, property and keyword, and counts them in the summary', async () => {
    const result = await runTestDestination(JsonColumns, { messages });
    assert.equal(result.error, undefined);
    assert.deepEqual(
      result.batches.flatMap((b) => b.records.map((r) => r.id)),
      [1, 2, 3, 4],
    );
    assert.deepEqual(result.states, [{ pos: 5 }]);
    const warnings = result.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    assert.deepEqual(warnings, [
      'stdin line 2: RECORD for stream "people": "name" breaks its schema\'s maxLength (must NOT have more than 4 ' +
        'characters); loaded as sent. Later values of "name" that break maxLength are counted in the summary, not ' +
        'logged. Set strict_validation to true to treat them as invalid records.',
      'stdin line 4: RECORD for stream "people": "tags" breaks its schema\'s type (must be null,object); loaded as ' +
        'sent. Later values of "tags" that break type are counted in the summary, not logged. Set strict_validation ' +
        'to true to treat them as invalid records.',
    ]);
    assert.deepEqual(result.summary?.deviations, [
      { stream: 'people', property: 'name', keyword: 'maxLength', count: 3, firstLine: 2 },
      { stream: 'people', property: 'tags', keyword: 'type', count: 1, firstLine: 4 },
    ]);
    assert.deepEqual(result.summary?.invalidRecords, {});
  });

  it('rejects the deviating records by line under strict_validation', async () => {
    const result = await runTestDestination(JsonColumns, {
      messages,
      settings: { strictValidation: true, invalidRecordPolicy: 'skip' },
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(
      result.batches.flatMap((b) => b.records.map((r) => r.id)),
      [2],
    );
    assert.deepEqual(result.summary?.invalidRecords, { people: 3 });
    assert.deepEqual(result.summary?.deviations, []);
    const rejected = result.logs.filter((l) => l.code === 'ERR_RECORD_INVALID').map((l) => l.line);
    assert.deepEqual(rejected, [2, 4, 5]);
  });

  it('fails at the first deviating record under strict_validation with the default policy', async () => {
    const result = await runTestDestination(JsonColumns, {
      messages,
      settings: { strictValidation: true },
    });
    assert.ok(result.error instanceof InputError);
    assert.equal(result.error.code, 'ERR_RECORD_INVALID');
    assert.equal(
      result.error.message,
      'stdin line 2: RECORD for stream "people" does not match the stream\'s schema: /name must NOT have more ' +
        'than 4 characters. Fix the tap, or set invalid_record_policy to "skip" or "dead_letter" to load the other records.',
    );
    assert.deepEqual(result.states, []);
  });

  it('keeps an array in an object column invalid for a destination that does not store JSON columns', async () => {
    @Destination()
    class Strict {
      @ExportBatch
      write() {}
    }
    const result = await runTestDestination(Strict, {
      messages: [people, record('people', { id: 1, tags: [1] })],
    });
    assert.ok(result.error instanceof InputError);
    assert.equal(result.error.code, 'ERR_RECORD_INVALID');
    assert.match(result.error.message, /^stdin line 2: .*\/tags must be null,object\./);
  });
});

describe('ACTIVATE_VERSION before the first SCHEMA', () => {
  it('applies the version once the stream SCHEMA arrives, after @OnSchema', async () => {
    const events: string[] = [];
    @Destination()
    class Versioned {
      @OnSchema
      schema({ stream, line }: SchemaContext) {
        events.push(`schema ${stream} line ${line}`);
      }
      @OnActivateVersion
      activate({ stream, version, line, keyProperties }: ActivateVersionContext) {
        events.push(`activate ${stream} ${version} line ${line} keys ${keyProperties.join(',')}`);
      }
      @ExportBatch
      write({ records }: RecordBatchContext) {
        events.push(`export ${records.length}`);
      }
    }
    const result = await runTestDestination(Versioned, {
      messages: [
        { type: 'ACTIVATE_VERSION', stream: 'people', version: 1576671584120 },
        people,
        record('people', { id: 1 }),
        state({ pos: 3 }),
        { type: 'ACTIVATE_VERSION', stream: 'people', version: 1576671584120 },
      ],
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(events, [
      'schema people line 2',
      'activate people 1576671584120 line 1 keys id',
      'export 1',
      'activate people 1576671584120 line 5 keys id',
    ]);
    assert.deepEqual(result.states, [{ pos: 3 }]);
  });

  it('still refuses a RECORD before any SCHEMA', async () => {
    const Noop = noopDestination();
    const result = await runTestDestination(Noop, {
      messages: [{ type: 'ACTIVATE_VERSION', stream: 'people', version: 1 }, record('people', { id: 1 })],
    });
    assert.ok(result.error instanceof InputError);
    assert.equal(result.error.code, 'ERR_RECORD_BEFORE_SCHEMA');
    assert.equal(result.error.line, 2);
  });
});
