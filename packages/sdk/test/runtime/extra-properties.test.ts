import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Destination, ExportBatch, InputError, type BatchContext } from '../../src/index';
import { runTestDestination } from '../../src/testing';
import { ExtraPropertyFinder } from '../../src/runtime/extra-properties';
import { record, schema, state } from '../support/messages';

@Destination({ name: 'dest-extras' })
class Collect {
  @ExportBatch
  write(_context: BatchContext): void {}
}

const messages = [
  schema('users', { id: { type: 'integer' }, address: { type: 'object' } }, ['id']),
  record('users', { id: 1, address: { city: 'x', extra: 1 } }),
  record('users', { id: 2, note: 'n', other: 1 }),
  record('users', { id: 3, note: 'm', _sdc_deleted_at: '2024-01-01T00:00:00Z' }),
  state({ users: 3 }),
];

describe('extra properties (the SDK applies extra_properties for every destination)', () => {
  it('warn (default): loads the records, one warning per batch naming count, first line and properties', async () => {
    const result = await runTestDestination(Collect, { messages });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.states, [{ users: 3 }]);
    assert.equal(result.batches[0]!.records.length, 3);
    const warnings = result.logs.filter((l) => l.code === 'EXTRA_PROPERTIES');
    assert.equal(warnings.length, 1);
    assert.deepEqual(
      { records: warnings[0]!.records, line: warnings[0]!.line, properties: warnings[0]!.properties },
      { records: 2, line: 3, properties: ['note', 'other'] },
    );
    assert.match(
      String(warnings[0]!.msg),
      /^Stream "users": 2 record\(s\) from input line 3 on have properties outside the schema \(note, other\); those values were not loaded\./,
    );
  });

  it('fail: rejects the first such record with ERR_EXTRA_PROPERTIES naming its line; no state', async () => {
    const result = await runTestDestination(Collect, { messages, settings: { extraProperties: 'fail' } });
    assert.ok(result.error instanceof InputError);
    assert.equal(result.error.code, 'ERR_EXTRA_PROPERTIES');
    assert.equal(result.error.line, 3);
    assert.match(
      result.error.message,
      /^stdin line 3: RECORD for stream "users" has properties that are not in the schema \(note, other\)/,
    );
    assert.deepEqual(result.states, []);
  });

  it('fail with invalid_record_policy skip: only the offending records are left out', async () => {
    const result = await runTestDestination(Collect, {
      messages,
      settings: { extraProperties: 'fail', invalidRecordPolicy: 'skip' },
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.batches[0]!.records, [{ id: 1, address: { city: 'x', extra: 1 } }]);
    assert.deepEqual(result.summary?.invalidRecords, { users: 2 });
  });

  it('never counts a metadata name (_sdc_deleted_at marks a CDC delete)', async () => {
    const result = await runTestDestination(Collect, {
      messages: [messages[0]!, record('users', { id: 1, _sdc_deleted_at: '2024-01-01T00:00:00Z' })],
      settings: { extraProperties: 'fail' },
    });
    assert.equal(result.error, undefined);
    assert.equal(result.batches[0]!.records.length, 1);
  });

  it('ignore: loads without a warning', async () => {
    const result = await runTestDestination(Collect, { messages, settings: { extraProperties: 'ignore' } });
    assert.equal(result.logs.filter((l) => l.code === 'EXTRA_PROPERTIES').length, 0);
    assert.equal(result.batches[0]!.records.length, 3);
  });
});

describe('ExtraPropertyFinder (which keys of a record its schema does not declare)', () => {
  const finder = () => new ExtraPropertyFinder({ properties: { id: {}, name: {}, tags: {} } });

  it('after records of one shape, still finds an extra key in any place of a record of another shape', () => {
    const extras = finder();
    assert.equal(extras.find({ id: 1, name: 'a', tags: [] }), undefined);
    assert.equal(extras.find({ id: 2, name: 'b', tags: [] }), undefined);
    assert.deepEqual(extras.find({ note: 'x', id: 3, name: 'c', tags: [] }), ['note']);
    assert.deepEqual(extras.find({ id: 4, name: 'd', note: 'x' }), ['note']);
    assert.deepEqual(extras.find({ id: 5, name: 'e', tags: [], note: 'x', more: 1 }), ['note', 'more']);
    assert.equal(extras.find({ id: 6, name: 'f', tags: [] }), undefined);
  });

  it('takes records with fewer, reordered or other declared keys than the first as they are', () => {
    const extras = finder();
    assert.equal(extras.find({ id: 1, name: 'a', tags: [] }), undefined);
    assert.equal(extras.find({ id: 2 }), undefined);
    assert.equal(extras.find({ tags: [], id: 3 }), undefined);
    assert.equal(extras.find({ name: 'c', _sdc_deleted_at: '2024-01-01T00:00:00Z' }), undefined);
    assert.equal(extras.find({}), undefined);
  });

  it('when the first records have extra keys, still finds them in every later record', () => {
    const extras = finder();
    assert.deepEqual(extras.find({ id: 1, note: 'x' }), ['note']);
    assert.deepEqual(extras.find({ id: 2, note: 'y' }), ['note']);
    assert.equal(extras.find({ id: 3 }), undefined);
    assert.deepEqual(extras.find({ id: 4, note: 'z' }), ['note']);
  });

  it('names at most ten, never an inherited key', () => {
    const extras = finder();
    assert.equal(extras.find({ id: 1 }), undefined);
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x${i}`, i]));
    assert.deepEqual(
      extras.find({ id: 2, ...many }),
      Array.from({ length: 10 }, (_, i) => `x${i}`),
    );
    const inherited = Object.create({ inheritedKey: 1 }) as Record<string, unknown>;
    inherited.id = 3;
    assert.equal(extras.find(inherited), undefined);
  });
});
