import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { InputError } from '@singer-dest/sdk';
import { createTestSchema, getTestServer } from './support/test-server';
import { load, NO_METADATA, record, schema, state } from './support/run';

after(async () => (await getTestServer()).stop());

const typed = schema(
  't',
  {
    id: { type: 'integer' },
    n: { type: ['null', 'integer'] },
    ok: { type: ['null', 'boolean'] },
    at: { type: ['null', 'string'], format: 'date-time' },
    d: { type: ['null', 'string'], format: 'date' },
  },
  ['id'],
);

describe('values are checked as they are read, never by the database', () => {
  it('rejects a value its column cannot hold by its line, and skip loads every other record of the batch', async () => {
    const db = await createTestSchema('readcheck');
    try {
      const result = await load(
        db,
        [
          typed,
          record('t', { id: 1, n: 1, ok: true, at: '2024-06-01T12:00:00+02:00', d: '2024-06-01' }),
          record('t', { id: 2, n: 'two' }),
          record('t', { id: 3, ok: 'yes' }),
          record('t', { id: 4, at: '2024-06-01T12:00:00+00:00+00:00' }),
          record('t', { id: 5, d: '2024-02-30' }),
          record('t', { id: 6, n: 6 }),
          state('s1'),
        ],
        NO_METADATA,
        { validateRecords: false, invalidRecordPolicy: 'skip' },
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(result.states, ['s1']);
      assert.deepEqual(result.summary?.invalidRecords, { t: 4 });
      const warned = result.logs
        .filter((l) => l.code === 'ERR_RECORD_REJECTED')
        .map((l) => [l.line, l.msg.replace(/^.*rejected by the destination: /, '')]);
      assert.deepEqual(warned, [
        [3, 'property "n" is a string, not an integer, so its bigint column cannot hold it; skipped'],
        [4, 'property "ok" is a string, not a boolean, so its boolean column cannot hold it; skipped'],
        [
          5,
          'property "at" is not a valid date-time, so its timestamp with time zone column cannot hold it; skipped',
        ],
        [6, 'property "d" is not a valid date, so its date column cannot hold it; skipped'],
      ]);
      assert.deepEqual(
        await db.query(`SELECT id::int, n::int, ok, at::text, d::text FROM "${db.schema}".t ORDER BY id`),
        [
          { id: 1, n: 1, ok: true, at: '2024-06-01 10:00:00+00', d: '2024-06-01' },
          { id: 6, n: 6, ok: null, at: null, d: null },
        ],
      );
    } finally {
      await db.drop();
    }
  });

  it('fails at the bad line with the default policy, naming the property and column', async () => {
    const db = await createTestSchema('readfail');
    try {
      const result = await load(
        db,
        [typed, record('t', { id: 1 }), record('t', { id: 2, n: 'two' })],
        NO_METADATA,
        {
          validateRecords: false,
        },
      );
      assert.ok(result.error instanceof InputError);
      assert.equal(result.error.code, 'ERR_RECORD_REJECTED');
      assert.equal(result.error.line, 3);
      assert.match(
        result.error.message,
        /^stdin line 3: RECORD for stream "t" was rejected by the destination: property "n" is a string, not an integer, so its bigint column cannot hold it\. Fix the tap/,
      );
    } finally {
      await db.drop();
    }
  });

  it("checks against the table's own column types: int4 range, numeric(p,s), varchar(n), uuid", async () => {
    const db = await createTestSchema('readown');
    try {
      await db.query(
        `CREATE TABLE "${db.schema}".t (id integer PRIMARY KEY, amount numeric(6,2), code varchar(3), ref uuid)`,
      );
      const result = await load(
        db,
        [
          schema(
            't',
            {
              id: { type: 'integer' },
              amount: { type: ['null', 'number'] },
              code: { type: ['null', 'string'] },
              ref: { type: ['null', 'string'] },
            },
            ['id'],
          ),
          record('t', { id: 1, amount: 9999.99, code: 'αβγ', ref: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' }),
          record('t', { id: 2147483648 }),
          record('t', { id: 3, amount: 9999.995 }),
          record('t', { id: 4, code: 'abcd' }),
          record('t', { id: 5, ref: 'nope' }),
        ],
        NO_METADATA,
        { invalidRecordPolicy: 'skip' },
      );
      assert.equal(result.error, undefined);
      const warned = result.logs.filter((l) => l.code === 'ERR_RECORD_REJECTED').map((l) => l.line);
      assert.deepEqual(warned, [3, 4, 5, 6]);
      assert.deepEqual(await db.query(`SELECT id, amount::text, code, ref::text FROM "${db.schema}".t`), [
        { id: 1, amount: '9999.99', code: 'αβγ', ref: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('writes an integer sent with a fraction or exponent as its digits, widening bigint beyond 64 bits', async () => {
    const db = await createTestSchema('readint');
    try {
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' }, n: { type: ['null', 'integer'] } }, ['id']),
          '{"type":"RECORD","stream":"t","record":{"id":1,"n":12345678901234567890.0}}',
          '{"type":"RECORD","stream":"t","record":{"id":2,"n":1e3}}',
          '{"type":"RECORD","stream":"t","record":{"id":3,"n":100000000000000000000}}',
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await db.query(`SELECT id::int, n::text FROM "${db.schema}".t ORDER BY id`), [
        { id: 1, n: '12345678901234567890' },
        { id: 2, n: '1000' },
        { id: 3, n: '100000000000000000000' },
      ]);
    } finally {
      await db.drop();
    }
  });
});
