import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { JsonSchema } from '@singer-dest/sdk';
import type { RecordEncoder } from '@singer-dest/sdk/toolkit';
import { layoutOf } from '../src/batch-plan';
import { isKeyOnlyDelete } from '../src/deletes';
import { copyLines, type CopyLineNotes } from '../src/copy-lines';
import { createTestSchema, getTestServer, type TestSchema } from './support/test-server';
import { configOf, load, record, schema, state } from './support/run';

after(async () => (await getTestServer()).stop());

const orders = schema(
  'orders',
  {
    id: { type: 'integer' },
    region: { type: 'string' },
    item: { type: ['null', 'string'] },
    qty: { type: ['null', 'integer'] },
    _sdc_deleted_at: { type: ['null', 'string'], format: 'date-time' },
    _sdc_lsn: { type: ['null', 'string'] },
  },
  ['id', 'region'],
);
const row = (value: Record<string, unknown>) => record('orders', value);
const DELETED = '2024-06-01T12:00:00.123456+00:00';

async function rows(db: TestSchema) {
  return db.query(
    `SELECT id::int, region, item, qty::int, _sdc_deleted_at::text AS deleted, _sdc_lsn AS lsn
       FROM "${db.schema}".orders ORDER BY id, region`,
  );
}

describe('key-only deletes', () => {
  it('are records whose properties are only keys and _sdc_ ones, with _sdc_deleted_at set', () => {
    const keys = new Set(['id', 'region']);
    assert.equal(isKeyOnlyDelete({ id: 1, region: 'eu', _sdc_deleted_at: DELETED }, keys), true);
    assert.equal(
      isKeyOnlyDelete({ id: 1, region: 'eu', _sdc_deleted_at: DELETED, _sdc_lsn: '1' }, keys),
      true,
    );
    assert.equal(isKeyOnlyDelete({ id: 1, _sdc_deleted_at: DELETED }, keys), true);
    assert.equal(isKeyOnlyDelete({ id: 1, region: 'eu', _sdc_deleted_at: null }, keys), false);
    assert.equal(isKeyOnlyDelete({ id: 1, region: 'eu' }, keys), false);
    assert.equal(isKeyOnlyDelete({ id: 1, region: 'eu', item: 'x', _sdc_deleted_at: DELETED }, keys), false);
  });

  it('are noted for the part of a batch that holds one, and not again for a later part without', () => {
    const config = configOf({ host: 'localhost', add_record_metadata: false });
    const layout = layoutOf('orders', orders.schema as JsonSchema, orders.key_properties, config);
    const encoder = copyLines(
      {
        layout,
        config,
        kinds: [],
        sqlTypes: [],
        upsert: true,
        runStartedAtUs: 0,
      },
      { stream: 'orders', warn: () => undefined },
    ) as RecordEncoder<CopyLineNotes>;
    const encode = (value: Record<string, unknown>, line: number) =>
      encoder.encode(value, {
        message: { type: 'RECORD', stream: 'orders', record: value },
        line,
        receivedAt: 0,
        batchedAt: Number.NaN,
      });
    encode({ id: 1, region: 'eu', item: 'x', qty: 1, _sdc_deleted_at: null }, 2);
    encode({ id: 1, region: 'eu', item: 'x', _sdc_deleted_at: DELETED }, 3); // a full record with a deletion time
    assert.equal(encoder.takeNotes!(), undefined);
    assert.match(encode({ id: 1, region: 'eu', _sdc_deleted_at: DELETED }, 4), /\ttrue\n$/);
    assert.match(encode({ id: 2, region: 'eu', item: 'y', _sdc_deleted_at: null }, 5), /\tfalse\n$/);
    assert.deepEqual(encoder.takeNotes!(), { needsNumeric: [], keyOnlyDeletes: true });
    // The next part (batch) holds no key-only delete: its upsert does not look for them.
    encode({ id: 3, region: 'us', item: 'z', qty: 2, _sdc_deleted_at: null }, 6);
    assert.equal(encoder.takeNotes!(), undefined);
  });

  it('reach the export only with the batch that holds them', async () => {
    const db = await createTestSchema('keyonlynotes');
    try {
      const result = await load(
        db,
        [
          orders,
          row({ id: 1, region: 'eu', item: 'a', qty: 1, _sdc_deleted_at: null }),
          row({ id: 2, region: 'eu', item: 'b', qty: 1, _sdc_deleted_at: null }),
          row({ id: 1, region: 'eu', _sdc_deleted_at: DELETED }),
          row({ id: 3, region: 'us', item: 'c', qty: 2, _sdc_deleted_at: null }),
          row({ id: 4, region: 'us', item: 'd', qty: 2, _sdc_deleted_at: null }),
          row({ id: 5, region: 'us', item: 'e', qty: 2, _sdc_deleted_at: null }),
          state('s1'),
        ],
        { add_record_metadata: false },
        { batchSizeRows: 2 },
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(
        result.batches.map((b) => [b.lineNumbers, b.notes]),
        [
          [[2, 3], []],
          [[4, 5], [{ needsNumeric: [], keyOnlyDeletes: true }]],
          [[6, 7], []],
        ],
      );
      assert.deepEqual(
        (await rows(db)).map((r) => [r.id, r.item, r.deleted === null]),
        [
          [1, 'a', false],
          [2, 'b', true],
          [3, 'c', true],
          [4, 'd', true],
          [5, 'e', true],
        ],
      );
    } finally {
      await db.drop();
    }
  });

  for (const uniqueIndex of [true, false]) {
    it(`mark the row deleted and keep its other values, in the same batch and a later one${uniqueIndex ? '' : ' (table without a unique index)'}`, async () => {
      const db = await createTestSchema(uniqueIndex ? 'keyonly' : 'keyonlynoix');
      try {
        if (!uniqueIndex) {
          await db.query(
            `CREATE TABLE "${db.schema}".orders (id bigint, region text, item text, qty bigint, _sdc_deleted_at timestamptz, _sdc_lsn text, _sdc_table_version bigint)`,
          );
        }
        const result = await load(
          db,
          [
            orders,
            row({ id: 1, region: 'eu', item: 'café ☕', qty: 2, _sdc_deleted_at: null, _sdc_lsn: '10' }),
            row({ id: 2, region: 'eu', item: 'tea', qty: 1, _sdc_deleted_at: null, _sdc_lsn: '11' }),
            row({ id: 3, region: 'us', item: 'cake', qty: 5, _sdc_deleted_at: null, _sdc_lsn: '12' }),
            state('s1'),
            // batch 2: a delete of a row loaded before; an insert and its delete in one batch; a delete of a key
            // never seen; a delete that carries no _sdc_lsn (the row keeps its own)
            row({ id: 1, region: 'eu', _sdc_deleted_at: DELETED, _sdc_lsn: '20' }),
            row({ id: 4, region: 'us', item: 'pie', qty: 3, _sdc_deleted_at: null, _sdc_lsn: '21' }),
            row({ id: 4, region: 'us', _sdc_deleted_at: DELETED, _sdc_lsn: '22' }),
            row({ id: 9, region: 'eu', _sdc_deleted_at: DELETED }),
            row({ id: 3, region: 'us', _sdc_deleted_at: DELETED }),
            state('s2'),
            // batch 3: a full record with _sdc_deleted_at keeps its full-row meaning (qty it lacks is NULL)
            row({ id: 2, region: 'eu', item: 'green tea', _sdc_deleted_at: DELETED }),
            state('s3'),
          ],
          { add_record_metadata: false },
          { batchSizeRows: 3 },
        );
        assert.equal(result.error, undefined);
        // s2 falls inside batch 3 (3 records a batch), so s3 supersedes it.
        assert.deepEqual(result.states, ['s1', 's3']);
        const at = '2024-06-01 12:00:00.123456+00';
        assert.deepEqual(await rows(db), [
          { id: 1, region: 'eu', item: 'café ☕', qty: 2, deleted: at, lsn: '20' },
          { id: 2, region: 'eu', item: 'green tea', qty: null, deleted: at, lsn: null },
          { id: 3, region: 'us', item: 'cake', qty: 5, deleted: at, lsn: '12' },
          { id: 4, region: 'us', item: 'pie', qty: 3, deleted: at, lsn: '22' },
          { id: 9, region: 'eu', item: null, qty: null, deleted: at, lsn: null },
        ]);
      } finally {
        await db.drop();
      }
    });
  }

  it('with hard_delete still delete the row', async () => {
    const db = await createTestSchema('keyonlyhard');
    try {
      const result = await load(
        db,
        [
          orders,
          row({ id: 1, region: 'eu', item: 'a', qty: 1 }),
          row({ id: 2, region: 'eu', item: 'b', qty: 1 }),
          state('s1'),
          row({ id: 1, region: 'eu', _sdc_deleted_at: DELETED }),
          state('s2'),
        ],
        { add_record_metadata: false, hard_delete: true },
        { batchSizeRows: 2 },
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await rows(db), [
        { id: 2, region: 'eu', item: 'b', qty: 1, deleted: null, lsn: null },
      ]);
    } finally {
      await db.drop();
    }
  });
});

describe('a malformed _sdc_deleted_at', () => {
  it('still marks the row deleted, at the time the record was read, and a warning names the line', async () => {
    const db = await createTestSchema('baddelete');
    try {
      // tap-mysql's shape: _sdc_deleted_at is not in the schema, and its value is not a valid timestamp.
      const before = Date.now();
      const result = await load(db, [
        schema('t', { id: { type: 'integer' }, name: { type: ['null', 'string'] } }, ['id']),
        record('t', { id: 1, name: 'kept' }),
        record('t', { id: 2, name: 'gone', _sdc_deleted_at: '2019-12-18T13:19:44+00:00+00:00' }),
        record('t', { id: 3, name: 'gone too', _sdc_deleted_at: '2019-12-18T13:19:44+00:00' }),
        state('s1'),
      ]);
      const after = Date.now();
      assert.equal(result.error, undefined);
      assert.deepEqual(result.states, ['s1']);
      const warnings = result.logs.filter((l) => l.code === 'W_PG_DELETED_AT');
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]!.line, 3);
      assert.match(
        warnings[0]!.msg,
        /^line 3: RECORD for stream "t" has an _sdc_deleted_at that is not a valid date-time; the row is still marked deleted, at the time the record was read \(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/,
      );
      const got = await db.query<{ id: number; name: string; deleted: Date | null; received: Date }>(
        `SELECT id::int, name, _sdc_deleted_at AS deleted, _sdc_received_at AS received FROM "${db.schema}".t ORDER BY id`,
      );
      assert.deepEqual(
        got.map((r) => [r.id, r.name]),
        [
          [1, 'kept'],
          [2, 'gone'],
          [3, 'gone too'],
        ],
      );
      assert.equal(got[0]!.deleted, null);
      assert.equal(got[1]!.deleted?.getTime(), got[1]!.received.getTime());
      assert.ok(got[1]!.deleted.getTime() >= before && got[1]!.deleted.getTime() <= after);
      assert.equal(got[2]!.deleted?.toISOString(), '2019-12-18T13:19:44.000Z');
    } finally {
      await db.drop();
    }
  });
});
