import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createTestSchema, getTestServer, type TestSchema } from './support/test-server';
import { load, record, schema, state } from './support/run';

after(async () => (await getTestServer()).stop());

const orders = schema(
  'orders',
  {
    id: { type: 'integer' },
    item: { type: ['null', 'string'] },
    qty: { type: ['null', 'integer'] },
    _sdc_deleted_at: { type: ['null', 'string'], format: 'date-time' },
  },
  ['id'],
);
const row = (value: Record<string, unknown>) => record('orders', value);
const DELETED = '2024-06-01T12:00:00+00:00';

async function rows(db: TestSchema) {
  return db.query(
    `SELECT id::int, item, qty::text, _sdc_deleted_at::text AS deleted FROM "${db.schema}".orders ORDER BY id`,
  );
}

// With encode_threads 0, dest-postgres's encoder (it declares that it does not use batchedAt) encodes each record
// as it is read, from the record the SDK parsed to validate it; on threads, each line is parsed again when its
// batch is sealed. Both must load the same rows, refuse the same records and write the same states, including
// what the encoder notes for the export (a bigint column that must widen, a key-only delete met).
describe('dest-postgres encodes the same with and without encode threads', () => {
  for (const encodeThreads of [0, 1]) {
    it(`upserts, widens, keeps deleted rows' values and skips refused records (encode_threads ${encodeThreads})`, async () => {
      const db = await createTestSchema(`encmode${encodeThreads}`);
      try {
        const result = await load(
          db,
          [
            orders,
            row({ id: 1, item: 'café ☕\ttab', qty: 2, _sdc_deleted_at: null }),
            row({ id: 2, item: 'tea', qty: 1, _sdc_deleted_at: null }),
            row({ id: 1, item: 'later wins', qty: 3, _sdc_deleted_at: null }),
            state('s1'),
            // batch 2: a NUL the column cannot take (refused by the encoder, skipped), a quantity beyond 64 bits
            // (the column widens to numeric), a key-only delete (the row keeps its values)
            row({ id: 3, item: 'bad\u0000nul', qty: 1, _sdc_deleted_at: null }),
            '{"type":"RECORD","stream":"orders","record":{"id":4,"item":"big","qty":123456789012345678901234567890,"_sdc_deleted_at":null}}',
            row({ id: 2, _sdc_deleted_at: DELETED }),
            state('s2'),
          ],
          { add_record_metadata: false, activate_version: false },
          { batchSizeRows: 3, encodeThreads, invalidRecordPolicy: 'skip' },
        );
        assert.equal(result.error, undefined, String(result.error));
        assert.deepEqual(result.states, ['s1', 's2']);
        assert.deepEqual(result.summary!.invalidRecords, { orders: 1 });
        const refused = result.logs.filter((l) => l.code === 'ERR_RECORD_REJECTED');
        assert.deepEqual(
          refused.map((l) => [l.line, l.stream]),
          [[6, 'orders']],
        );
        assert.deepEqual(await rows(db), [
          { id: 1, item: 'later wins', qty: '3', deleted: null },
          { id: 2, item: 'tea', qty: '1', deleted: '2024-06-01 12:00:00+00' },
          { id: 4, item: 'big', qty: '123456789012345678901234567890', deleted: null },
        ]);
        assert.deepEqual(
          await db.query(
            `SELECT data_type AS type FROM information_schema.columns WHERE table_schema = '${db.schema}' AND table_name = 'orders' AND column_name = 'qty'`,
          ),
          [{ type: 'numeric' }],
        );
      } finally {
        await db.drop();
      }
    });
  }
});
