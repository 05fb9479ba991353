import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Destination,
  EncodeRecord,
  ExportBatch,
  InputError,
  type BatchContext,
  type EncodeContext,
} from '../../src/index';
import { runTestDestination } from '../../src/testing/index';
import { record, schema, state } from '../support/messages';

const users = schema('users', { id: { type: 'integer' }, name: { type: 'string' } }, ['id']);

describe('@EncodeRecord', () => {
  it('hands @ExportBatch the encoded text of every record, in order, instead of parsed records', async () => {
    const exported: string[] = [];
    @Destination()
    class Lines {
      @EncodeRecord
      encode({ record: r, line, stream }: EncodeContext) {
        return `${stream}:${line}:${String(r.id)}:${String(r.name)}\n`;
      }
      @ExportBatch
      write({ encoded, size }: BatchContext) {
        exported.push(`${size} ${Buffer.concat(encoded!).toString('utf8')}`);
      }
    }
    const result = await runTestDestination(Lines, {
      messages: [
        users,
        record('users', { id: 1, name: 'ä' }),
        record('users', { id: 2, name: 'b' }),
        state({ users: 2 }),
      ],
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(exported, ['2 users:2:1:ä\nusers:3:2:b\n']);
    assert.deepEqual(result.states, [{ users: 2 }]);
  });

  it('spans several memory blocks for a batch larger than one block, keeping every byte', async () => {
    let total = '';
    @Destination()
    class Big {
      @EncodeRecord
      encode({ record: r }: EncodeContext) {
        return `${String(r.name)}\n`;
      }
      @ExportBatch
      write({ encoded }: BatchContext) {
        total = Buffer.concat(encoded!).toString('utf8');
      }
    }
    const name = 'x€'.repeat(20_000); // 80 KB a record in UTF-8
    const messages: object[] = [users];
    for (let id = 0; id < 40; id++) messages.push(record('users', { id, name }));
    const result = await runTestDestination(Big, { messages });
    assert.equal(result.error, undefined);
    assert.equal(total, `${name}\n`.repeat(40));
  });

  it('treats an encoder error as a rejected record, subject to the invalid-record policy', async () => {
    @Destination()
    class Picky {
      @EncodeRecord
      encode({ record: r }: EncodeContext) {
        if (String(r.name).includes('\u0000')) throw new Error('NUL characters cannot be stored');
        return 'ok\n';
      }
      @ExportBatch
      write() {}
    }
    const messages = [users, record('users', { id: 1, name: 'a\u0000b' })];
    const failed = await runTestDestination(Picky, { messages });
    assert.ok(failed.error instanceof InputError);
    assert.equal(failed.error.code, 'ERR_RECORD_REJECTED');
    assert.equal(
      failed.error.message,
      'stdin line 2: RECORD for stream "users" was rejected by the destination: NUL characters cannot be stored. ' +
        'Fix the tap, or set invalid_record_policy to "skip" or "dead_letter" to load the other records.',
    );
    const skipped = await runTestDestination(Picky, { messages, settings: { invalidRecordPolicy: 'skip' } });
    assert.equal(skipped.error, undefined);
    assert.deepEqual(skipped.summary!.invalidRecords, { users: 1 });
  });

  it('refuses `records` on an encoded batch with an explanation', async () => {
    @Destination()
    class Confused {
      @EncodeRecord
      encode() {
        return '';
      }
      @ExportBatch
      write({ records }: BatchContext) {
        assert.ok(records.length > 0); // never reached: `records` throws
      }
    }
    const result = await runTestDestination(Confused, { messages: [users, record('users', { id: 1 })] });
    assert.match(
      String((result.error as Error).message),
      /encodes records with @EncodeRecord.*use `encoded`, not `records`/,
    );
  });
});
