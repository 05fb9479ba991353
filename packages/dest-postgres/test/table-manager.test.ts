import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { getTestServer, createTestSchema, type TestSchema } from './support/test-server';
import { load, NO_METADATA, record, schema } from './support/run';

after(async () => (await getTestServer()).stop());

async function columnTypes(db: TestSchema, table: string): Promise<Record<string, string>> {
  const rows = await db.query<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
    [db.schema, table],
  );
  return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
}

describe('schema evolution', () => {
  it('adds a column for a property that a later SCHEMA adds, after rows were loaded', async () => {
    const db = await createTestSchema('addcol');
    try {
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' } }, ['id']),
          record('t', { id: 1 }),
          schema('t', { id: { type: 'integer' }, color: { type: 'string' } }, ['id']),
          record('t', { id: 2, color: 'red' }),
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      assert.equal(result.batches.length, 2);
      assert.deepEqual(await db.query(`SELECT id, color FROM "${db.schema}".t ORDER BY id`), [
        { id: '1', color: null },
        { id: '2', color: 'red' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('adds a column in a later run to a table that already has rows', async () => {
    const db = await createTestSchema('addcol2');
    try {
      await load(db, [schema('t', { id: { type: 'integer' } }, ['id']), record('t', { id: 1 })], NO_METADATA);
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' }, n: { type: 'number' } }, ['id']),
          record('t', { id: 2, n: 2.5 }),
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await columnTypes(db, 't'), { id: 'bigint', n: 'numeric' });
      assert.deepEqual(await db.query(`SELECT id, n FROM "${db.schema}".t ORDER BY id`), [
        { id: '1', n: null },
        { id: '2', n: '2.5' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('widens integer to numeric to text, keeping every earlier value', async () => {
    const db = await createTestSchema('widen');
    try {
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' }, v: { type: 'integer' } }, ['id']),
          record('t', { id: 1, v: 5 }),
          schema('t', { id: { type: 'integer' }, v: { type: 'number' } }, ['id']),
          record('t', { id: 2, v: 1.25 }),
          schema('t', { id: { type: 'integer' }, v: { type: 'string' } }, ['id']),
          record('t', { id: 3, v: 'seven' }),
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await columnTypes(db, 't'), { id: 'bigint', v: 'text' });
      assert.deepEqual(await db.query(`SELECT v FROM "${db.schema}".t ORDER BY id`), [
        { v: '5' },
        { v: '1.25' },
        { v: 'seven' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('widens a scalar column to jsonb when the property becomes an object, keeping earlier values as JSON', async () => {
    const db = await createTestSchema('jsonb');
    try {
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' }, v: { type: 'string' } }, ['id']),
          record('t', { id: 1, v: 'text' }),
          schema('t', { id: { type: 'integer' }, v: { type: ['object', 'string'] } }, ['id']),
          record('t', { id: 2, v: { a: [1, 2] } }),
          record('t', { id: 3, v: 'plain' }),
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await columnTypes(db, 't'), { id: 'bigint', v: 'jsonb' });
      assert.deepEqual(await db.query(`SELECT v FROM "${db.schema}".t ORDER BY id`), [
        { v: 'text' },
        { v: { a: [1, 2] } },
        { v: 'plain' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('keeps a wider column when a later schema asks for a narrower type', async () => {
    const db = await createTestSchema('nonarrow');
    try {
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' }, v: { type: 'string' } }, ['id']),
          record('t', { id: 1, v: 'x' }),
          schema('t', { id: { type: 'integer' }, v: { type: 'integer' } }, ['id']),
          record('t', { id: 2, v: 42 }),
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await columnTypes(db, 't'), { id: 'bigint', v: 'text' });
      assert.deepEqual(await db.query(`SELECT v FROM "${db.schema}".t ORDER BY id`), [
        { v: 'x' },
        { v: '42' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('widens a bigint column to numeric when a value needs more than 64 bits', async () => {
    const db = await createTestSchema('bigwiden');
    try {
      const result = await load(
        db,
        [
          JSON.stringify(schema('t', { id: { type: 'integer' }, v: { type: 'integer' } }, ['id'])),
          '{"type":"RECORD","stream":"t","record":{"id":1,"v":9223372036854775807}}',
          '{"type":"RECORD","stream":"t","record":{"id":2,"v":9223372036854775808}}',
        ],
        NO_METADATA,
        { batchSizeRows: 1 },
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await columnTypes(db, 't'), { id: 'bigint', v: 'numeric' });
      assert.deepEqual(await db.query(`SELECT v::text FROM "${db.schema}".t ORDER BY id`), [
        { v: '9223372036854775807' },
        { v: '9223372036854775808' },
      ]);
    } finally {
      await db.drop();
    }
  });
});
