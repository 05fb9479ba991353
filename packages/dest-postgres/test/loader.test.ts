import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { getTestServer, createTestSchema } from './support/test-server';
import { load, NO_METADATA, record, schema, state } from './support/run';

after(async () => (await getTestServer()).stop());

const users = (keys: string[] = ['id']) =>
  schema('users', { id: { type: 'integer' }, name: { type: ['string', 'null'] } }, keys);

describe('load methods', () => {
  it('upserts by key, and the last record wins when a key repeats inside one batch', async () => {
    const db = await createTestSchema('upsert');
    try {
      const first = await load(
        db,
        [
          users(),
          record('users', { id: 1, name: 'a' }),
          record('users', { id: 2, name: 'b' }),
          record('users', { id: 1, name: 'c' }),
          state({ n: 1 }),
        ],
        NO_METADATA,
      );
      assert.equal(first.error, undefined);
      assert.deepEqual(first.states, [{ n: 1 }]);
      assert.equal(first.batches.length, 1);
      const second = await load(
        db,
        [
          users(),
          record('users', { id: 2, name: 'B' }),
          record('users', { id: 3, name: null }),
          state({ n: 2 }),
        ],
        NO_METADATA,
      );
      assert.deepEqual(second.states, [{ n: 2 }]);
      const rows = await db.query(`SELECT id, name FROM "${db.schema}".users ORDER BY id`);
      assert.deepEqual(rows, [
        { id: '1', name: 'c' },
        { id: '2', name: 'B' },
        { id: '3', name: null },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('appends every record with append-only, duplicate keys included', async () => {
    const db = await createTestSchema('append');
    try {
      const messages = [
        users(),
        record('users', { id: 1, name: 'a' }),
        record('users', { id: 1, name: 'b' }),
        state(1),
      ];
      await load(db, messages, { ...NO_METADATA, load_method: 'append-only' });
      const result = await load(db, messages, { ...NO_METADATA, load_method: 'append-only' });
      assert.deepEqual(result.states, [1]);
      const rows = await db.query(`SELECT id, name FROM "${db.schema}".users ORDER BY name`);
      assert.deepEqual(
        rows.map((r) => r.name),
        ['a', 'a', 'b', 'b'],
      );
    } finally {
      await db.drop();
    }
  });

  it('appends streams without key properties by default', async () => {
    const db = await createTestSchema('nokeys');
    try {
      const messages = [
        users([]),
        record('users', { id: 1, name: 'a' }),
        record('users', { id: 1, name: 'a' }),
      ];
      const result = await load(db, messages, NO_METADATA);
      assert.equal(result.error, undefined);
      const rows = await db.query(`SELECT count(*)::int AS n FROM "${db.schema}".users`);
      assert.deepEqual(rows, [{ n: 2 }]);
      const keys = await db.query(
        `SELECT count(*)::int AS n FROM pg_index WHERE indrelid = '"${db.schema}".users'::regclass AND indisprimary`,
      );
      assert.deepEqual(keys, [{ n: 0 }]);
    } finally {
      await db.drop();
    }
  });

  it('overwrite replaces the table contents with this run, across several batches', async () => {
    const db = await createTestSchema('overwrite');
    try {
      await load(
        db,
        [users(), ...[1, 2, 3].map((id) => record('users', { id, name: `old${id}` }))],
        NO_METADATA,
      );
      const result = await load(
        db,
        [
          users(),
          record('users', { id: 4, name: 'new4' }),
          record('users', { id: 5, name: 'new5' }),
          state('after-5'),
          record('users', { id: 6, name: 'new6' }),
          record('users', { id: 4, name: 'new4b' }),
          state('after-4b'),
        ],
        { ...NO_METADATA, load_method: 'overwrite' },
        { batchSizeRows: 2 },
      );
      assert.equal(result.error, undefined);
      assert.equal(result.batches.length, 2);
      assert.deepEqual(result.states, ['after-5', 'after-4b']);
      const rows = await db.query(`SELECT id, name FROM "${db.schema}".users ORDER BY id`);
      assert.deepEqual(rows, [
        { id: '4', name: 'new4b' },
        { id: '5', name: 'new5' },
        { id: '6', name: 'new6' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('loads into a table made elsewhere that has extra columns and no unique key, replacing rows by key', async () => {
    const db = await createTestSchema('existing');
    try {
      await db.query(
        `CREATE TABLE "${db.schema}".users (id bigint NOT NULL, name varchar(20), note text NOT NULL DEFAULT 'x')`,
      );
      await db.query(
        `INSERT INTO "${db.schema}".users (id, name, note) VALUES (1, 'old', 'kept'), (2, 'two', 'kept')`,
      );
      const result = await load(
        db,
        [users(), record('users', { id: 1, name: 'new' }), record('users', { id: 3, name: 'three' })],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      const rows = await db.query(`SELECT id, name, note FROM "${db.schema}".users ORDER BY id`);
      assert.deepEqual(rows, [
        { id: '1', name: 'new', note: 'x' },
        { id: '2', name: 'two', note: 'kept' },
        { id: '3', name: 'three', note: 'x' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('writes UTC wall-clock time into a timestamp-without-time-zone column of a table made elsewhere', async () => {
    const db = await createTestSchema('tsnotz');
    try {
      await db.query(`CREATE TABLE "${db.schema}".events (id bigint PRIMARY KEY, at timestamp)`);
      const result = await load(
        db,
        [
          schema('events', { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } }, ['id']),
          record('events', { id: 1, at: '2024-03-01T10:00:00+02:00' }),
          record('events', { id: 2, at: '2024-03-01T10:00:00' }),
        ],
        { ...NO_METADATA, load_method: 'append-only' },
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await db.query(`SELECT id::int, at::text FROM "${db.schema}".events ORDER BY id`), [
        { id: 1, at: '2024-03-01 08:00:00' },
        { id: 2, at: '2024-03-01 10:00:00' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('appends with metadata through the staging table, every row stamped with its batch time', async () => {
    const db = await createTestSchema('appendmeta');
    try {
      const result = await load(
        db,
        [
          users([]),
          record('users', { id: 1, name: 'a' }),
          record('users', { id: 1, name: 'a' }),
          record('users', { id: 2, name: 'b' }),
        ],
        { load_method: 'append-only' },
        { batchSizeRows: 2 },
      );
      assert.equal(result.error, undefined);
      const rows = await db.query(
        `SELECT count(*)::int AS n, count(_sdc_received_at)::int AS received,
                count(DISTINCT _sdc_sequence)::int AS sequences FROM "${db.schema}".users`,
      );
      assert.deepEqual(rows, [{ n: 3, received: 3, sequences: 3 }]);
      // Both rows of the first batch carry its one time; the second batch was sealed no earlier (within the same
      // millisecond, possibly: the two stamps may be equal, so they are not counted as distinct).
      const stamps = await db.query<{ at: Date }>(
        `SELECT _sdc_batched_at AS at FROM "${db.schema}".users ORDER BY _sdc_sequence`,
      );
      const [first, second, third] = stamps.map((r) => r.at.getTime());
      assert.equal(first, second);
      assert.ok(third! >= first!, JSON.stringify(stamps));
    } finally {
      await db.drop();
    }
  });

  it('adds the metadata columns in UTC with add_record_metadata', async () => {
    const db = await createTestSchema('metadata');
    try {
      const result = await load(db, [
        users(),
        record(
          'users',
          { id: 1, name: 'a' },
          { time_extracted: '2024-01-02T03:04:05.123456+02:00', version: 7 },
        ),
      ]);
      assert.equal(result.error, undefined);
      const rows = await db.query(
        `SELECT _sdc_extracted_at::text AS extracted, _sdc_table_version::text AS version, _sdc_deleted_at,
                _sdc_received_at <= now() AND _sdc_received_at > now() - interval '1 minute' AS received_recently,
                _sdc_batched_at >= _sdc_received_at AS batched_after_received, _sdc_sequence > 0 AS sequenced
           FROM "${db.schema}".users`,
      );
      assert.deepEqual(rows, [
        {
          extracted: '2024-01-02 01:04:05.123456+00',
          version: '7',
          _sdc_deleted_at: null,
          received_recently: true,
          batched_after_received: true,
          sequenced: true,
        },
      ]);
    } finally {
      await db.drop();
    }
  });
});
