import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CheckRecord,
  Destination,
  EncodeRecord,
  ExportBatch,
  InputError,
  SdkError,
  type BatchContext,
  type EncodeContext,
} from '../../src/index';
import { runTestDestination } from '../../src/testing/index';
import { record, schema, state } from '../support/messages';

const users = schema('users', { id: { type: 'integer' }, name: { type: 'string' } }, ['id']);
const messages = [
  users,
  record('users', { id: 1, name: 'short' }),
  record('users', { id: 2, name: 'much too long' }),
  record('users', { id: 3, name: 'fine' }),
  state({ users: 3 }),
];

describe('@CheckRecord', () => {
  @Destination()
  class Checked {
    @CheckRecord
    check({ record: r }: EncodeContext) {
      if (String(r.name).length > 10) throw new Error('name is longer than 10 characters');
    }
    @ExportBatch
    write({ records }: BatchContext) {
      assert.ok(records.every((r) => String(r.name).length <= 10));
    }
  }

  it('rejects a record it throws for, naming the line and stream; nothing after it is exported', async () => {
    const failed = await runTestDestination(Checked, { messages });
    assert.ok(failed.error instanceof InputError);
    assert.equal(failed.error.code, 'ERR_RECORD_REJECTED');
    assert.equal(failed.error.line, 3);
    assert.equal(
      failed.error.message,
      'stdin line 3: RECORD for stream "users" was rejected by the destination: name is longer than 10 ' +
        'characters. Fix the tap, or set invalid_record_policy to "skip" or "dead_letter" to load the other records.',
    );
    assert.deepEqual(failed.states, []);
    assert.deepEqual(failed.batches, []);
  });

  it('leaves the other records as read (records stay available) under invalid_record_policy "skip"', async () => {
    const skipped = await runTestDestination(Checked, {
      messages,
      settings: { invalidRecordPolicy: 'skip' },
    });
    assert.equal(skipped.error, undefined);
    assert.deepEqual(
      skipped.batches.map((b) => b.records.map((r) => r.name)),
      [['short', 'fine']],
    );
    assert.deepEqual(skipped.summary!.invalidRecords, { users: 1 });
    assert.deepEqual(skipped.states, [{ users: 3 }]);
  });

  it('refuses an async @CheckRecord at its first record (it would let every record through)', async () => {
    @Destination()
    class Async {
      @CheckRecord
      async check() {
        await Promise.resolve();
        throw new Error('too late: the record is already batched');
      }
      @ExportBatch
      write() {
        assert.fail('no batch may be exported');
      }
    }
    const result = await runTestDestination(Async, { messages });
    assert.ok(result.error instanceof SdkError);
    assert.equal(result.error.code, 'ERR_HANDLER_FAILED');
    assert.equal(
      result.error.message,
      '@CheckRecord returned a Promise: it must be synchronous and return nothing (throw to reject the record). ' +
        'Remove `async` from the method.',
    );
    assert.deepEqual(result.states, []);
  });

  it('runs before @EncodeRecord, which never sees a rejected record', async () => {
    const calls: string[] = [];
    @Destination()
    class Both {
      @CheckRecord
      check({ record: r }: EncodeContext) {
        calls.push(`check ${String(r.id)}`);
        if (r.id === 2) throw new Error('no');
      }
      @EncodeRecord
      encode({ record: r }: EncodeContext) {
        calls.push(`encode ${String(r.id)}`);
        return `${String(r.id)}\n`;
      }
      @ExportBatch
      write({ encoded }: BatchContext) {
        calls.push(`export ${Buffer.concat(encoded!).toString('utf8').trim().replace('\n', ',')}`);
      }
    }
    const result = await runTestDestination(Both, { messages, settings: { invalidRecordPolicy: 'skip' } });
    assert.equal(result.error, undefined);
    assert.deepEqual(calls, ['check 1', 'encode 1', 'check 2', 'check 3', 'encode 3', 'export 1,3']);
  });
});
