import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/index';
import { conformanceFile, runTestDestination } from '../../src/testing/index';
import { noopDestination } from '../support/noop-destination';

// The Meltano SDK's own target test streams that exercise the core (Apache-2.0; shipped in conformance/meltano-sdk).
const fixture = (name: string) => conformanceFile(`meltano-sdk/${name}`);

const Noop = noopDestination();

describe('Meltano SDK conformance streams', () => {
  it('record_before_schema: a clear error on line 1', async () => {
    const result = await runTestDestination(Noop, { file: fixture('record_before_schema') });
    assert.ok(result.error instanceof InputError);
    assert.equal(result.error.code, 'ERR_RECORD_BEFORE_SCHEMA');
    assert.equal(result.error.line, 1);
    assert.equal(result.error.stream, 'test_record_before_schema');
    assert.deepEqual(result.batches, []);
  });

  it('invalid_schema: a SCHEMA without properties is refused', async () => {
    const result = await runTestDestination(Noop, { file: fixture('invalid_schema') });
    assert.equal((result.error as InputError).code, 'ERR_INVALID_SCHEMA');
    assert.equal((result.error as InputError).stream, 'test_invalid_schema');
  });

  it('record_missing_key_property: refused on line 2', async () => {
    const result = await runTestDestination(Noop, { file: fixture('record_missing_key_property') });
    assert.equal((result.error as InputError).code, 'ERR_MISSING_KEY_PROPERTY');
    assert.equal((result.error as InputError).line, 2);
  });

  it('record_missing_required_property: a validation error on line 2', async () => {
    const result = await runTestDestination(Noop, { file: fixture('record_missing_required_property') });
    assert.equal((result.error as InputError).code, 'ERR_RECORD_INVALID');
    assert.match((result.error as InputError).message, /must have required property 'id'/);
  });

  it('multiple_state_messages: states in order, never ahead of the data', async () => {
    const result = await runTestDestination(Noop, {
      file: fixture('multiple_state_messages'),
      settings: { batchSizeRows: 1 },
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.states, [
      { test_multiple_state_messages_a: 1, test_multiple_state_messages_b: 0 },
      { test_multiple_state_messages_a: 2, test_multiple_state_messages_b: 1 },
      { test_multiple_state_messages_a: 3, test_multiple_state_messages_b: 2 },
      { test_multiple_state_messages_a: 5, test_multiple_state_messages_b: 3 },
      { test_multiple_state_messages_a: 5, test_multiple_state_messages_b: 6 },
    ]);
    assert.equal(result.summary!.records.test_multiple_state_messages_a, 6);
    assert.equal(result.summary!.records.test_multiple_state_messages_b, 6);
  });

  it('multiple_state_messages with default batches: each state once its records are exported', async () => {
    const result = await runTestDestination(Noop, { file: fixture('multiple_state_messages') });
    // At the end, stream a (oldest record) is exported first, which makes the first state safe; then b.
    assert.deepEqual(result.states, [
      { test_multiple_state_messages_a: 1, test_multiple_state_messages_b: 0 },
      { test_multiple_state_messages_a: 5, test_multiple_state_messages_b: 6 },
    ]);
    assert.deepEqual(
      result.batches.map((b) => [b.stream, b.records.map((r) => r.id)]),
      [
        ['test_multiple_state_messages_a', [1, 2, 3, 4, 5, 6]],
        ['test_multiple_state_messages_b', [1, 2, 3, 4, 5, 6]],
      ],
    );
  });

  it('schema_updates: each new schema gets its own batch, every column kept', async () => {
    const result = await runTestDestination(Noop, { file: fixture('schema_updates') });
    assert.equal(result.error, undefined);
    assert.deepEqual(
      result.batches.map((b) => b.records.map((r) => Object.keys(r).join(','))),
      [
        ['id,a1,a2'],
        ['id,a1,a2,a3'],
        ['id,a1,a2,a3,a4,a5', 'id,a1,a2,a3,a4,a5'],
        ['id,a1,a2,a3,a4,a5,a6', 'id,a1,a2,a3,a4,a5,a6'],
      ],
    );
    assert.deepEqual(result.batches[3]!.records[1], {
      id: 6,
      a1: 106,
      a2: 'string6',
      a3: true,
      a4: { id: 4, value: 444 },
      a5: ['banana', 'orange'],
      a6: 341,
    });
    assert.deepEqual(result.states, [{ test_schema_updates: 6 }]);
  });

  it('record_missing_fields: loads; the empty final STATE is not written', async () => {
    const result = await runTestDestination(Noop, { file: fixture('record_missing_fields') });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.batches[0]!.records, [{ id: 1, optional: 'now you see me' }, { id: 2 }]);
    assert.deepEqual(result.stdoutLines, []);
  });
});
