import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '@singer-dest/sdk';
import { record, schema, state, testDb } from './support/run';

async function withDb<T>(label: string, body: (db: ReturnType<typeof testDb>) => Promise<T>): Promise<T> {
  const db = testDb(label);
  try {
    return await body(db);
  } finally {
    db.remove();
  }
}

describe('dest-duckdb values', { concurrency: 4 }, () => {
  it('stores big integers, fixed and unbounded decimals, text, times and JSON exactly', () =>
    withDb('values', async (db) => {
      const properties = {
        id: { type: 'integer' },
        amount: { type: ['null', 'number'], multipleOf: 0.01, maximum: 1e9 },
        ratio: { type: ['null', 'number'] },
        name: { type: ['null', 'string'] },
        at: { type: ['null', 'string'], format: 'date-time' },
        day: { type: ['null', 'string'], format: 'date' },
        clock: { type: ['null', 'string'], format: 'time' },
        doc: { type: ['null', 'object'] },
        tags: { type: ['null', 'array'] },
      };
      const text = [
        JSON.stringify(schema('values', properties, ['id'])),
        `{"type":"RECORD","stream":"values","record":{"id":9223372036854775807,"amount":999999999.99,"ratio":0.000000001,"name":"Zoë \\"q\\", 日本 🎉\\n\\r\\ttab\\\\","at":"2024-02-29T23:59:59.123456+02:00","day":"2024-02-29","clock":"23:59:59.5","doc":{"n":123456789012345678901234567890,"s":"x,\\"y\\""},"tags":["a",1.5,null]}}`,
        `{"type":"RECORD","stream":"values","record":{"id":-9223372036854775808,"amount":-0.01,"ratio":-12345678901234567890123456789.123456789,"name":"","at":null,"day":null,"clock":null,"doc":null,"tags":[]}}`,
        JSON.stringify(state({ done: true })),
      ].join('\n');
      const result = await db.load([text]);
      assert.equal(result.error, undefined);
      assert.deepEqual(result.states, [{ done: true }]);
      const types = await db.query(
        "SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = 'values' ORDER BY ordinal_position",
      );
      assert.deepEqual(
        types.map((r) => `${String(r.c)} ${String(r.t)}`),
        [
          'id BIGINT',
          'amount DECIMAL(12,2)',
          'ratio DECIMAL(38,9)',
          'name VARCHAR',
          'at TIMESTAMP WITH TIME ZONE',
          'day DATE',
          'clock TIME',
          'doc JSON',
          'tags JSON',
          '_sdc_table_version BIGINT',
        ],
      );
      const rows = await db.query(
        'SELECT "id"::VARCHAR "id", "amount"::VARCHAR "amount", "ratio"::VARCHAR "ratio", "name", ' +
          '"name" IS NULL AS "name_null", "at"::VARCHAR "at", "day"::VARCHAR "day", "clock"::VARCHAR "clock", ' +
          '"doc"::VARCHAR "doc", "tags"::VARCHAR "tags" FROM "values" ORDER BY "id" DESC',
      );
      assert.deepEqual(rows, [
        {
          id: '9223372036854775807',
          amount: '999999999.99',
          ratio: '0.000000001',
          name: 'Zoë "q", 日本 🎉\n\r\ttab\\',
          name_null: false,
          at: '2024-02-29 21:59:59.123456+00',
          day: '2024-02-29',
          clock: '23:59:59.5',
          doc: '{"n":123456789012345678901234567890,"s":"x,\\"y\\""}',
          tags: '["a",1.5,null]',
        },
        {
          id: '-9223372036854775808',
          amount: '-0.01',
          ratio: '-12345678901234567890123456789.123456789',
          name: '',
          name_null: false,
          at: null,
          day: null,
          clock: null,
          doc: null,
          tags: '[]',
        },
      ]);
    }));

  it('loads a batch whose first string holds a Windows line end (read_csv is told the row separator)', () =>
    withDb('crlf', async (db) => {
      const result = await db.load([
        schema('t', { id: { type: 'integer' }, s: { type: 'string' } }),
        record('t', { id: 1, s: 'Windows line\r\nend' }),
        record('t', { id: 2, s: 'Unix\nline' }),
        record('t', { id: 3, s: 'plain' }),
      ]);
      assert.equal(result.error, undefined);
      assert.deepEqual(await db.query('SELECT id::INT id, s FROM t ORDER BY id'), [
        { id: 1, s: 'Windows line\r\nend' },
        { id: 2, s: 'Unix\nline' },
        { id: 3, s: 'plain' },
      ]);
    }));

  it('turns a DECIMAL(38,9) column into VARCHAR when a value needs more digits, keeping every digit, warned', () =>
    withDb('widen', async (db) => {
      const messages = [
        schema('m', { id: { type: 'integer' }, price: { type: ['null', 'number'] } }),
        record('m', { id: 1, price: 999.99 }),
        state({ at: 1 }),
        '{"type":"RECORD","stream":"m","record":{"id":2,"price":1.1734567890123456789}}',
        record('m', { id: 3, price: 1 }),
        state({ at: 3 }),
      ];
      const result = await db.load(messages, {}, { batchSizeRows: 1 });
      assert.equal(result.error, undefined);
      assert.deepEqual(result.states, [{ at: 1 }, { at: 3 }]);
      const warning = result.logs.find((l) => l.level === 'warn' && /is now VARCHAR/.test(String(l.msg)));
      assert.match(
        String(warning?.msg),
        /^Column price of "main"\."m" is now VARCHAR: input line 4 has a number with more digits than its type holds \(1\.1734567890123456789 has 19 decimals; DECIMAL\(38,9\) keeps 9/,
      );
      assert.deepEqual(await db.query('SELECT id::INT id, price, typeof(price) t FROM m ORDER BY id'), [
        { id: 1, price: '999.990000000', t: 'VARCHAR' },
        { id: 2, price: '1.1734567890123456789', t: 'VARCHAR' },
        { id: 3, price: '1', t: 'VARCHAR' },
      ]);
    }));

  it('widens a column whose type cannot hold a value exactly (beyond BIGINT, past the bounds or scale), warned', () =>
    withDb('bigint', async (db) => {
      const result = await db.load([
        JSON.stringify(
          schema('b', {
            id: { type: 'integer' },
            p: { type: ['null', 'number'], multipleOf: 0.01, maximum: 999 },
          }),
        ),
        '{"type":"RECORD","stream":"b","record":{"id":1,"p":12.34}}',
        '{"type":"RECORD","stream":"b","record":{"id":9223372036854775808,"p":1000.125}}',
      ]);
      assert.equal(result.error, undefined);
      const warnings = result.logs.filter((l) => l.level === 'warn' && /^Column/.test(String(l.msg)));
      assert.deepEqual(
        warnings.map((w) => String(w.msg)),
        [
          'Column id of "main"."b" is now HUGEINT: input line 3 has a number with more digits than its type holds ' +
            '(9223372036854775808 is beyond BIGINT; give the property a maximum/minimum in the schema (HUGEINT to ' +
            '2^127)). Values are kept exactly.',
          'Column p of "main"."b" is now DECIMAL(7,3): input line 3 has a number with more digits than its type ' +
            'holds (1000.125 has 3 decimals; DECIMAL(5,2) keeps 2 and would round it). Values are kept exactly.',
        ],
      );
      assert.deepEqual(
        await db.query('SELECT id::VARCHAR id, p::VARCHAR p, typeof(id) t FROM b ORDER BY id'),
        [
          { id: '1', p: '12.340', t: 'HUGEINT' },
          { id: '9223372036854775808', p: '1000.125', t: 'HUGEINT' },
        ],
      );
    }));

  it('unbounded_numbers_as_text keeps every digit of a number without multipleOf as VARCHAR', () =>
    withDb('astext', async (db) => {
      const result = await db.load(
        [
          JSON.stringify(schema('t', { id: { type: 'integer' }, x: { type: 'number' } })),
          '{"type":"RECORD","stream":"t","record":{"id":1,"x":3.14159265358979323846264338327950288419716939937510}}',
          '{"type":"RECORD","stream":"t","record":{"id":2,"x":1e400}}',
        ],
        { unbounded_numbers_as_text: true },
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await db.query('SELECT x, typeof(x) t FROM t ORDER BY id'), [
        { x: '3.14159265358979323846264338327950288419716939937510', t: 'VARCHAR' },
        { x: '1e400', t: 'VARCHAR' },
      ]);
    }));
});

describe('dest-duckdb loading', { concurrency: 4 }, () => {
  const users = (keys = ['id']) =>
    schema('users', { id: { type: 'integer' }, name: { type: ['null', 'string'] } }, keys);

  it('upserts by key, the last record of a key in a batch winning, across batches and runs', () =>
    withDb('upsert', async (db) => {
      const first = await db.load([
        users(),
        record('users', { id: 1, name: 'a' }),
        record('users', { id: 2, name: 'b' }),
        record('users', { id: 1, name: 'a2' }),
        record('users', { id: 1, name: 'a3' }),
        state(1),
      ]);
      assert.equal(first.error, undefined);
      assert.equal(first.batches.length, 1);
      const second = await db.load(
        [users(), record('users', { id: 2, name: 'b2' }), record('users', { id: 3, name: null }), state(2)],
        {},
        { batchSizeRows: 1 },
      );
      assert.deepEqual(second.states, [2]);
      assert.deepEqual(await db.query('SELECT id::INT id, name FROM users ORDER BY id'), [
        { id: 1, name: 'a3' },
        { id: 2, name: 'b2' },
        { id: 3, name: null },
      ]);
    }));

  it('loads many batches of interleaved streams (one DuckDB thread): every row exact, in input order, every state', () =>
    withDb('many-batches', async (db) => {
      const messages: object[] = [
        schema('a', { id: { type: 'integer' }, v: { type: 'string' } }),
        schema('b', { id: { type: 'integer' }, n: { type: 'number' } }),
      ];
      for (let i = 1; i <= 3000; i++) {
        messages.push(record('a', { id: i, v: `a"${i}",\n` }), record('b', { id: i, n: i / 8 }));
        if (i % 500 === 0) messages.push(state(i));
      }
      const result = await db.load(messages, { load_method: 'append-only' }, { batchSizeRows: 700 });
      assert.equal(result.error, undefined);
      // States that settle together are written as the newest one: in order, never invented, the last one last.
      const states = result.states as number[];
      assert.deepEqual(
        states,
        [...new Set(states)].sort((x, y) => x - y),
      );
      assert.ok(states.every((s) => s % 500 === 0) && states.at(-1) === 3000, JSON.stringify(states));
      assert.ok(result.batches.length >= 8, `${result.batches.length} batches`);
      const a = await db.query('SELECT id::INT id, v FROM a ORDER BY rowid');
      assert.deepEqual(
        a,
        Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, v: `a"${i + 1}",\n` })),
      );
      const b = await db.query('SELECT id::INT id, n::VARCHAR n FROM b ORDER BY rowid');
      assert.deepEqual(
        b.map((r) => [r.id, Number(r.n)]),
        Array.from({ length: 3000 }, (_, i) => [i + 1, (i + 1) / 8]),
      );
    }));

  it('append-only keeps every record; overwrite replaces the table with this run', () =>
    withDb('append', async (db) => {
      const run = [users(), record('users', { id: 1, name: 'a' }), record('users', { id: 1, name: 'b' })];
      await db.load(run, { load_method: 'append-only' });
      await db.load(run, { load_method: 'append' });
      assert.equal((await db.query('SELECT count(*)::INT n FROM users'))[0]?.n, 4);
      const overwrite = await db.load(
        [users([]), record('users', { id: 7, name: 'x' }), record('users', { id: 8, name: 'y' })],
        {
          load_method: 'overwrite',
        },
        { batchSizeRows: 1 },
      );
      assert.equal(overwrite.error, undefined);
      assert.deepEqual(await db.query('SELECT id::INT id FROM users ORDER BY id'), [{ id: 7 }, { id: 8 }]);
    }));

  it('hard_delete deletes a record whose _sdc_deleted_at is set; without it the row is marked', () =>
    withDb('deletes', async (db) => {
      const messages = [
        users(),
        record('users', { id: 1, name: 'a' }),
        record('users', { id: 2, name: 'b' }),
        state(1),
        record('users', { id: 1, name: 'a', _sdc_deleted_at: '2024-01-01T00:00:00Z' }),
        state(2),
      ];
      const hard = await db.load(messages, { hard_delete: true }, { batchSizeRows: 2 });
      assert.equal(hard.error, undefined);
      assert.deepEqual(await db.query('SELECT id::INT id FROM users ORDER BY id'), [{ id: 2 }]);
      const soft = testDb('soft');
      try {
        await soft.load(messages, { add_record_metadata: true }, { batchSizeRows: 2 });
        assert.deepEqual(
          await soft.query('SELECT id::INT id, _sdc_deleted_at::VARCHAR d FROM users ORDER BY id'),
          [
            { id: 1, d: '2024-01-01 00:00:00+00' },
            { id: 2, d: null },
          ],
        );
        const [meta] = await soft.query(
          'SELECT count(*)::INT n, count(_sdc_received_at)::INT r, count(_sdc_batched_at)::INT b, count(_sdc_sequence)::INT s FROM users',
        );
        assert.deepEqual(meta, { n: 2, r: 2, b: 2, s: 2 });
      } finally {
        soft.remove();
      }
    }));

  for (const encodeThreads of [0, 1]) {
    it(`sets _sdc_batched_at at the flush, one value a batch, the rows exact (encode_threads ${encodeThreads})`, () =>
      withDb(`batched-${encodeThreads}`, async (db) => {
        const started = Date.now();
        const messages = [
          users(),
          record('users', { id: 1, name: 'a,"b"' }),
          record('users', { id: 2, name: null }),
          state(1),
          record('users', { id: 3, name: 'c' }),
          state(2),
        ];
        const result = await db.load(
          messages,
          { add_record_metadata: true },
          { batchSizeRows: 2, encodeThreads },
        );
        assert.equal(result.error, undefined);
        assert.deepEqual(result.states, [1, 2]);
        const rows = await db.query(
          'SELECT id::INT id, name, epoch_ms(_sdc_batched_at) b, epoch_ms(_sdc_received_at) r, ' +
            '_sdc_sequence IS NOT NULL s FROM users ORDER BY id',
        );
        assert.deepEqual(
          rows.map(({ id, name, s }) => ({ id, name, s })),
          [
            { id: 1, name: 'a,"b"', s: true },
            { id: 2, name: null, s: true },
            { id: 3, name: 'c', s: true },
          ],
        );
        const [first, second, third] = rows.map((r) => ({ b: Number(r.b), r: Number(r.r) }));
        assert.equal(first!.b, second!.b, 'one batch, one _sdc_batched_at');
        for (const row of [first!, second!, third!]) {
          assert.ok(row.b >= row.r && row.r >= started && row.b <= Date.now(), JSON.stringify(row));
        }
        assert.ok(third!.b >= first!.b);
      }));
  }

  it('ACTIVATE_VERSION removes (hard_delete) or marks the rows of older versions', () =>
    withDb('activate', async (db) => {
      const messages = (version: number, ids: number[]) => [
        users([]),
        { type: 'ACTIVATE_VERSION', stream: 'users', version },
        ...ids.map((id) => record('users', { id, name: null }, { version })),
        { type: 'ACTIVATE_VERSION', stream: 'users', version },
      ];
      await db.load(messages(1, [1, 2]), { hard_delete: true });
      await db.load(messages(2, [3]), { hard_delete: true });
      assert.deepEqual(await db.query('SELECT id::INT id, _sdc_table_version::INT v FROM users'), [
        { id: 3, v: 2 },
      ]);
      await db.load(messages(3, [4]));
      assert.deepEqual(
        await db.query('SELECT id::INT id, _sdc_deleted_at IS NOT NULL AS gone FROM users ORDER BY id'),
        [
          { id: 3, gone: true },
          { id: 4, gone: false },
        ],
      );
    }));

  it('evolves the table at any SCHEMA: new columns, wider numbers, text when types disagree', () =>
    withDb('evolve', async (db) => {
      const result = await db.load(
        [
          schema(
            'e',
            {
              id: { type: 'integer' },
              n: { type: 'integer' },
              d: { type: 'number', multipleOf: 0.01, maximum: 100 },
            },
            ['id'],
          ),
          record('e', { id: 1, n: 5, d: 1.25 }),
          schema(
            'e',
            {
              id: { type: 'integer' },
              n: { type: 'number' },
              d: { type: 'number', multipleOf: 0.0001, maximum: 1e6 },
              flag: { type: 'boolean' },
            },
            ['id'],
          ),
          `{"type":"RECORD","stream":"e","record":{"id":2,"n":12345678901234567890.1234,"d":123456.0001,"flag":true}}`,
          schema('e', { id: { type: 'string' }, n: { type: 'integer' } }, ['id']),
          record('e', { id: 'three', n: 1 }),
          state('end'),
        ].map((m) => (typeof m === 'string' ? m : JSON.stringify(m))),
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(result.states, ['end']);
      const types = await db.query(
        "SELECT column_name c, data_type t FROM information_schema.columns WHERE table_name = 'e'",
      );
      assert.deepEqual(Object.fromEntries(types.map((r) => [r.c, r.t])), {
        id: 'VARCHAR',
        n: 'DECIMAL(38,9)',
        d: 'DECIMAL(11,4)',
        flag: 'BOOLEAN',
        _sdc_table_version: 'BIGINT',
      });
      assert.deepEqual(await db.query('SELECT id, n::VARCHAR n, d::VARCHAR d, flag FROM e ORDER BY id'), [
        { id: '1', n: '5.000000000', d: '1.2500', flag: null },
        { id: '2', n: '12345678901234567890.123400000', d: '123456.0001', flag: true },
        { id: 'three', n: '1.000000000', d: null, flag: null },
      ]);
    }));

  it('parquet_path writes each stream as Parquet at the end of a successful run, partitioned where asked', () =>
    withDb('parquet', async (db) => {
      const out = join(db.dir, 'parquet');
      const messages = [
        schema(
          'sales',
          {
            id: { type: 'integer' },
            country: { type: 'string' },
            amount: { type: 'number', multipleOf: 0.01, maximum: 1e9 },
          },
          ['id'],
        ),
        record('sales', { id: 1, country: 'NL', amount: 10.5 }),
        record('sales', { id: 2, country: 'JP', amount: 99999999.99 }),
        users(),
        record('users', { id: 1, name: 'Zoë' }),
      ];
      const result = await db.load(messages, { parquet_path: out, parquet_partition_by: 'country' });
      assert.equal(result.error, undefined);
      assert.deepEqual(readdirSync(join(out, 'sales')).sort(), ['country=JP', 'country=NL']);
      assert.ok(existsSync(join(out, 'users.parquet')), 'a stream without the column is one file');
      const sales = await db.query(
        `SELECT id::INT id, amount::VARCHAR amount, country FROM read_parquet('${out}/sales/*/*.parquet', hive_partitioning = true) ORDER BY id`,
      );
      assert.deepEqual(sales, [
        { id: 1, amount: '10.50', country: 'NL' },
        { id: 2, amount: '99999999.99', country: 'JP' },
      ]);
      assert.deepEqual(await db.query(`SELECT id::INT id, name FROM '${out}/users.parquet'`), [
        { id: 1, name: 'Zoë' },
      ]);
      const failed = testDb('parquet-failed');
      try {
        const out2 = join(failed.dir, 'parquet');
        const bad = await failed.load([...messages, '{"type":"RECORD"'], { parquet_path: out2 });
        assert.ok(bad.error instanceof InputError);
        assert.equal(existsSync(out2), false, 'a failed run writes no Parquet');
      } finally {
        failed.remove();
      }
    }));

  it('refuses two streams that fold to one table, and two properties that fold to one column', () =>
    withDb('collide', async (db) => {
      const tables = await db.load([
        schema('Users', { id: { type: 'integer' } }),
        schema('users', { id: { type: 'integer' } }),
      ]);
      assert.match(
        String((tables.error as Error).message),
        /Streams "Users" and "users" both map to table "main"."users"/,
      );
      const columns = await db.load([schema('x', { Id: { type: 'integer' }, id: { type: 'integer' } })]);
      assert.match(
        String((columns.error as Error).message),
        /Properties "Id" and "id" of stream "x" both become column "id"/,
      );
    }));
});
