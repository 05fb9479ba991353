import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { HandlerError, InputError, runDestination, testConnection } from '@singer-dest/sdk';
import { Readable, Writable } from 'node:stream';
import { Client } from 'pg';
import { PostgresDestination } from '../src/postgres-destination';
import { PostgresDestinationError } from '../src/errors';
import { getTestServer, createTestSchema } from './support/test-server';
import { activate, configOf, load, NO_METADATA, record, schema, state } from './support/run';

after(async () => (await getTestServer()).stop());

describe('names', () => {
  it('loads reserved words and hostile names as quoted identifiers, values intact', async () => {
    const db = await createTestSchema('names');
    const long = `Col${'x'.repeat(97)}`;
    const properties = {
      select: { type: 'integer' },
      'we"ird': { type: 'string' },
      'semi;colon"); DROP TABLE users; --': { type: 'string' },
      'ünïcödé Ñame': { type: 'string' },
      [long]: { type: 'string' },
    };
    try {
      const result = await load(
        db,
        [
          schema('order', properties, ['select']),
          record('order', {
            select: 1,
            'we"ird': 'a',
            'semi;colon"); DROP TABLE users; --': 'b',
            'ünïcödé Ñame': 'c',
            [long]: 'd',
          }),
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      const columns = await db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'order' ORDER BY ordinal_position`,
        [db.schema],
      );
      const shortened = columns[4]!.column_name;
      assert.deepEqual(
        columns.map((c) => c.column_name),
        ['select', 'we"ird', 'semi;colon"); drop table users; --', 'ünïcödé ñame', shortened],
      );
      assert.equal(Buffer.byteLength(shortened), 63);
      assert.ok(shortened.startsWith('colxxx'));
      const rows = await db.query(`SELECT * FROM "${db.schema}"."order"`);
      assert.deepEqual(rows, [
        {
          select: '1',
          'we"ird': 'a',
          'semi;colon"); drop table users; --': 'b',
          'ünïcödé ñame': 'c',
          [shortened]: 'd',
        },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('shortens a 100-character stream name to the same 63-byte table name in every run', async () => {
    const db = await createTestSchema('longtable');
    const stream = `stream_${'y'.repeat(93)}`;
    try {
      for (const id of [1, 2]) {
        const result = await load(
          db,
          [schema(stream, { id: { type: 'integer' } }, ['id']), record(stream, { id })],
          NO_METADATA,
        );
        assert.equal(result.error, undefined);
      }
      const tables = await db.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
        [db.schema],
      );
      assert.equal(tables.length, 1);
      assert.equal(Buffer.byteLength(tables[0]!.table_name), 63);
      assert.deepEqual(
        await db.query(`SELECT id::int FROM "${db.schema}"."${tables[0]!.table_name}" ORDER BY id`),
        [{ id: 1 }, { id: 2 }],
      );
    } finally {
      await db.drop();
    }
  });

  it('fails clearly when two properties differ only by case', async () => {
    const db = await createTestSchema('collide');
    try {
      const result = await load(
        db,
        [schema('t', { id: { type: 'integer' }, ID: { type: 'integer' } })],
        NO_METADATA,
      );
      assert.ok(result.error instanceof HandlerError);
      assert.equal(result.error.code, 'ERR_HANDLER_FAILED');
      assert.ok(result.error.cause instanceof PostgresDestinationError);
      assert.equal(result.error.cause.code, 'ERR_PG_NAME_COLLISION');
      assert.match(
        result.error.message,
        /properties of stream "t" "id" and "ID" both become the PostgreSQL name "id"/,
      );
    } finally {
      await db.drop();
    }
  });

  it('fails clearly when two streams differ only by case, before any of their rows mix', async () => {
    const db = await createTestSchema('streamcase');
    try {
      const id = { id: { type: 'integer' } };
      const result = await load(
        db,
        [
          schema('Users', id),
          record('Users', { id: 1 }),
          state({ at: 1 }),
          schema('users', id),
          record('users', { id: 2 }),
        ],
        NO_METADATA,
      );
      assert.ok(result.error instanceof HandlerError);
      assert.equal(result.error.code, 'ERR_HANDLER_FAILED');
      assert.equal((result.error.cause as PostgresDestinationError).code, 'ERR_PG_NAME_COLLISION');
      assert.match(result.error.message, /Streams "Users" and "users" both map to table "[^"]+"\."users"/);
      // The run failed before the first stream's batch was flushed: no rows, and no state was written.
      assert.deepEqual(await db.query(`SELECT id::int FROM "${db.schema}"."users" ORDER BY id`), []);
      assert.deepEqual(result.states, []);
    } finally {
      await db.drop();
    }
  });

  it('loads a stream named schema-table into that schema and table', async () => {
    const db = await createTestSchema('split');
    const target = `${db.schema}_other`;
    try {
      const { default_target_schema: _unused, ...settings } = db.settings;
      const result = await load(
        { ...db, settings },
        [
          schema(`${target}-things`, { id: { type: 'integer' } }, ['id']),
          record(`${target}-things`, { id: 7 }),
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await db.query(`SELECT id::int FROM "${target}".things`), [{ id: 7 }]);
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS "${target}" CASCADE`);
      await db.drop();
    }
  });
});

describe('activate version and deletes', () => {
  const stream = 'items';
  const items = schema(stream, { id: { type: 'integer' }, v: { type: 'string' } }, ['id']);
  const run = (version: number, ids: number[]) => [
    items,
    activate(stream, version),
    ...ids.map((id) => record(stream, { id, v: `v${version}` }, { version })),
    activate(stream, version),
    state(`version ${version}`),
  ];

  it('marks rows of older versions in _sdc_deleted_at after the new version is in', async () => {
    const db = await createTestSchema('softav');
    try {
      assert.equal((await load(db, run(1, [1, 2, 3]))).error, undefined);
      const second = await load(db, run(2, [1, 2]));
      assert.equal(second.error, undefined);
      assert.deepEqual(second.states, ['version 2']);
      const rows = await db.query(
        `SELECT id::int, v, _sdc_table_version::int AS version, _sdc_deleted_at IS NOT NULL AS deleted FROM "${db.schema}".items ORDER BY id`,
      );
      assert.deepEqual(rows, [
        { id: 1, v: 'v2', version: 2, deleted: false },
        { id: 2, v: 'v2', version: 2, deleted: false },
        { id: 3, v: 'v1', version: 1, deleted: true },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('deletes rows of older versions with hard_delete', async () => {
    const db = await createTestSchema('hardav');
    try {
      assert.equal((await load(db, run(1, [1, 2, 3]), { hard_delete: true })).error, undefined);
      assert.equal((await load(db, run(2, [2]), { hard_delete: true })).error, undefined);
      const rows = await db.query(
        `SELECT id::int, v, _sdc_table_version::int AS version FROM "${db.schema}".items ORDER BY id`,
      );
      assert.deepEqual(rows, [{ id: 2, v: 'v2', version: 2 }]);
    } finally {
      await db.drop();
    }
  });

  it('ignores ACTIVATE_VERSION when activate_version is false', async () => {
    const db = await createTestSchema('noav');
    try {
      await load(db, run(1, [1, 2]), { activate_version: false, hard_delete: true });
      await load(db, run(2, [2]), { activate_version: false, hard_delete: true });
      assert.deepEqual(await db.query(`SELECT id::int, v FROM "${db.schema}".items ORDER BY id`), [
        { id: 1, v: 'v1' },
        { id: 2, v: 'v2' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('deletes the row of a CDC record whose _sdc_deleted_at is set, with hard_delete', async () => {
    const db = await createTestSchema('cdc');
    try {
      const result = await load(
        db,
        [
          items,
          record(stream, { id: 1, v: 'a' }),
          record(stream, { id: 2, v: 'b' }),
          record(stream, { id: 3, v: 'c' }),
          state('s1'),
          record(stream, { id: 2, v: 'b', _sdc_deleted_at: '2024-05-01T00:00:00Z' }),
          record(stream, { id: 3, v: 'c', _sdc_deleted_at: '2024-05-01T00:00:00Z' }),
          record(stream, { id: 3, v: 'c again' }),
          state('s2'),
        ],
        { hard_delete: true },
        { batchSizeRows: 3 },
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(result.states, ['s1', 's2']);
      assert.deepEqual(await db.query(`SELECT id::int, v FROM "${db.schema}".items ORDER BY id`), [
        { id: 1, v: 'a' },
        { id: 3, v: 'c again' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('keeps a CDC-deleted row with its _sdc_deleted_at when hard_delete is off', async () => {
    const db = await createTestSchema('cdcsoft');
    try {
      const result = await load(db, [
        items,
        record(stream, { id: 1, v: 'a' }),
        record(stream, { id: 1, v: 'a', _sdc_deleted_at: '2024-05-01T10:00:00+02:00' }),
      ]);
      assert.equal(result.error, undefined);
      assert.deepEqual(
        await db.query(`SELECT id::int, _sdc_deleted_at::text AS deleted FROM "${db.schema}".items`),
        [{ id: 1, deleted: '2024-05-01 08:00:00+00' }],
      );
    } finally {
      await db.drop();
    }
  });
});

describe('failures', () => {
  it('rolls back a flush whose COPY fails: earlier batches and states stay, nothing of the failed batch is written', async () => {
    const db = await createTestSchema('copyfail');
    try {
      // An inet column (made by another tool): a type dest-postgres does not check, so PostgreSQL parses it.
      await db.query(`CREATE TABLE "${db.schema}".t (id bigint PRIMARY KEY, n inet)`);
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' }, n: { type: 'string' } }, ['id']),
          record('t', { id: 1, n: '10.0.0.1' }),
          record('t', { id: 2, n: '10.0.0.2' }),
          state('after-2'),
          record('t', { id: 3, n: '10.0.0.3' }),
          record('t', { id: 4, n: 'four' }),
          state('after-4'),
        ],
        NO_METADATA,
        { batchSizeRows: 2 },
      );
      assert.ok(result.error instanceof HandlerError);
      assert.equal(result.error.code, 'ERR_EXPORT_FAILED');
      assert.deepEqual(result.error.batch, {
        stream: 't',
        batchNumber: 2,
        firstLine: 5,
        lastLine: 6,
        records: 2,
      });
      assert.ok(result.error.cause instanceof PostgresDestinationError);
      assert.equal(result.error.cause.code, 'ERR_PG_LOAD_FAILED');
      assert.match(
        result.error.message,
        /lines 5-6\): PostgreSQL error 22P02: invalid input syntax for type inet: "four" while COPY into the staging table for "t_copyfail_[0-9a-f]+"\."t" at input line 6 \(column n\)\. The transaction was rolled back/,
      );
      assert.deepEqual(result.states, ['after-2']);
      assert.deepEqual(await db.query(`SELECT id::int, n::text FROM "${db.schema}".t ORDER BY id`), [
        { id: 1, n: '10.0.0.1/32' },
        { id: 2, n: '10.0.0.2/32' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('rolls back a flush whose merge fails, including the column type it widened', async () => {
    const db = await createTestSchema('mergefail');
    try {
      await db.query(
        `CREATE TABLE "${db.schema}".t (id bigint PRIMARY KEY, n bigint, m bigint CHECK (m < 100))`,
      );
      const result = await load(
        db,
        [
          JSON.stringify(
            schema('t', { id: { type: 'integer' }, n: { type: 'integer' }, m: { type: 'integer' } }, ['id']),
          ),
          '{"type":"RECORD","stream":"t","record":{"id":1,"n":1,"m":1}}',
          '{"type":"RECORD","stream":"t","record":{"id":4,"n":4,"m":4}}',
          '{"type":"STATE","value":"after-1"}',
          '{"type":"RECORD","stream":"t","record":{"id":2,"n":9223372036854775808,"m":2}}',
          '{"type":"RECORD","stream":"t","record":{"id":3,"n":3,"m":300}}',
          '{"type":"STATE","value":"after-3"}',
        ],
        NO_METADATA,
        { batchSizeRows: 2 },
      );
      assert.ok(result.error instanceof HandlerError);
      assert.match(
        result.error.message,
        /lines 5-6\): PostgreSQL error 23514: new row for relation "t" violates check constraint "t_m_check" while merging into "t_mergefail_[0-9a-f]+"\."t"\. The transaction was rolled back: no row of this batch was written\. No STATE/,
      );
      assert.deepEqual(result.states, ['after-1']);
      assert.deepEqual(await db.query(`SELECT * FROM "${db.schema}".t ORDER BY id`), [
        { id: '1', n: '1', m: '1' },
        { id: '4', n: '4', m: '4' },
      ]);
      const types = await db.query(
        "SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 't' AND column_name = 'n'",
        [db.schema],
      );
      assert.deepEqual(types, [{ data_type: 'bigint' }]);
    } finally {
      await db.drop();
    }
  });

  it('retries a flush on a new connection when the connection was lost, and completes the run', async () => {
    const db = await createTestSchema('reconnect');
    const appName = `dest_pg_test_${db.schema}`;
    const { server } = db;
    const url = `${server.url}?application_name=${appName}`;
    const killer = new Client({ connectionString: server.url });
    await killer.connect();
    const states: string[] = [];
    try {
      const config = configOf({ ...NO_METADATA, sqlalchemy_url: url, default_target_schema: db.schema });
      const lines = [
        schema('t', { id: { type: 'integer' } }, ['id']),
        record('t', { id: 1 }),
        state('after-1'),
        record('t', { id: 2 }),
        state('after-2'),
      ].map((m) => `${JSON.stringify(m)}\n`);
      let killed = 0;
      await runDestination(PostgresDestination, {
        input: Readable.from([lines.join('')]),
        output: new Writable({ write: (_chunk, _encoding, done) => done() }),
        config,
        settings: { batchSizeRows: 1 },
        onState: async (text) => {
          states.push(text);
          if (killed++ === 0) {
            const rows = await killer.query(
              'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
              [appName],
            );
            assert.deepEqual(rows.rows, [{ ok: true }]);
          }
        },
      });
      assert.deepEqual(states, ['"after-1"', '"after-2"']);
      assert.deepEqual(await db.query(`SELECT id::int FROM "${db.schema}".t ORDER BY id`), [
        { id: 1 },
        { id: 2 },
      ]);
    } finally {
      await killer.end();
      await db.drop();
    }
  });

  it('fails cleanly with the connection error when the server cannot be reached', async () => {
    const db = await createTestSchema('noserver');
    try {
      const result = await load(db, [schema('t', { id: { type: 'integer' } }), record('t', { id: 1 })], {
        ...NO_METADATA,
        port: 1,
      });
      assert.ok(result.error instanceof HandlerError);
      assert.match(result.error.message, /@OnSchema for stream "t" failed: .*ECONNREFUSED/);
      assert.deepEqual(result.states, []);
    } finally {
      await db.drop();
    }
  });
});

describe('test connection', () => {
  it('reports the server version and that it can create tables, leaving nothing behind', async () => {
    const db = await createTestSchema('check');
    try {
      const said = await testConnection(PostgresDestination, { config: configOf(db.settings) });
      assert.match(
        said,
        new RegExp(
          `^connected to PostgreSQL \\d+\\.\\d+.* at ${db.server.host}:${db.server.port}/${db.server.database} as ${db.server.user}; can create tables in schema "${db.schema}"`,
        ),
      );
      assert.deepEqual(
        await db.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [
          db.schema,
        ]),
        [],
      );
    } finally {
      await db.drop();
    }
  });

  it('fails with ERR_TEST_CONNECTION_FAILED when the server cannot be reached', async () => {
    const error = await testConnection(PostgresDestination, {
      config: configOf({ host: '127.0.0.1', port: 1 }),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof HandlerError);
    assert.equal(error.code, 'ERR_TEST_CONNECTION_FAILED');
    assert.match(error.message, /ECONNREFUSED/);
  });
});

describe('batch size', () => {
  // With encode_threads 0 records are kept as their COPY lines (encoded as read), else as their input lines.
  for (const [encodeThreads, firstBatchEnd, why] of [
    [
      0,
      61,
      // The piece writer's pieces double from 4 KiB: the first eight rows get a piece of about their own size, then
      // each 1 MiB piece holds three, and what the pieces hold passes 20 MiB with the 60th row.
      'pieces of COPY text grow to 1 MiB (three such rows), so the 60th row takes the batch past 20 MiB',
    ],
    [
      1,
      60,
      'a 1 MiB block holds three such lines, so 20 MiB hold 59 (not the 80 their bytes alone would allow)',
    ],
  ] as const) {
    it(`flushes at 20 MB by default, so the last flush after the input ends is small (encode_threads ${encodeThreads})`, async () => {
      const db = await createTestSchema('batch_size');
      const text = 'x'.repeat(256 * 1024);
      const records = Array.from({ length: 100 }, (_, i) => record('big', { id: i + 1, text }));
      try {
        const result = await load(
          db,
          [
            schema('big', { id: { type: 'integer' }, text: { type: 'string' } }, ['id']),
            ...records,
            state({ done: 100 }),
          ],
          NO_METADATA,
          { encodeThreads },
        );
        assert.equal(result.error, undefined);
        // 100 lines of ~256 KiB: a flush once the memory holding them passes 20 MiB, and the rest at the end.
        assert.deepEqual(
          result.batches.map((b) => [b.firstLine, b.lastLine]),
          [
            [2, firstBatchEnd],
            [firstBatchEnd + 1, 101],
          ],
          why,
        );
        assert.deepEqual(result.states, [{ done: 100 }]);
        const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${db.schema}".big`);
        assert.equal(rows[0]!.n, '100');
      } finally {
        await db.drop();
      }
    });
  }
});

describe('the table setting (Mage)', () => {
  it('loads the one stream into the named table of default_target_schema and refuses a second stream', async () => {
    const db = await createTestSchema('table_setting');
    try {
      const users = schema('users', { id: { type: 'integer' } }, ['id']);
      const result = await load(db, [users, record('users', { id: 1 }), state({ users: 1 })], {
        ...NO_METADATA,
        table: 'dim_users',
      });
      assert.equal(result.error, undefined);
      assert.deepEqual(await db.query(`SELECT id::int FROM "${db.schema}".dim_users`), [{ id: 1 }]);
      const second = await load(db, [users, schema('orders', { id: { type: 'integer' } })], {
        ...NO_METADATA,
        table: 'dim_users',
      });
      const error = second.error instanceof HandlerError ? second.error.cause : second.error;
      assert.ok(error instanceof InputError, String(second.error));
      assert.equal(error.code, 'ERR_TABLE_FOR_ONE_STREAM');
      assert.deepEqual([error.line, error.stream], [2, 'orders']);
      assert.match(
        error.message,
        /^The table setting \("dim_users"\) names the table of one stream, but the input holds stream "orders" after "users"\./,
      );
    } finally {
      await db.drop();
    }
  });
});
