import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEST_CSV, DEST_POSTGRES, errorLog, runBin, singer, tempDir } from './support/bins';
import { readCsv, listFiles, testServerModule } from './support/targets';

const HOSTILE_STREAMS = [
  'users"; DROP TABLE canary; --',
  "x'); DROP TABLE canary; --",
  '../escape',
  '../../escape',
  '/tmp/absolute',
  '..',
  '.',
  'a/b/c',
  'con',
  'n'.repeat(1000),
  'semi;colon',
  '$1',
  'line\nbreak',
  'Ünïcødé😀',
  'back\\slash',
  ' space ',
  '--',
];
const HOSTILE_PROPERTIES = [
  '"; DROP TABLE canary; --',
  "a'b",
  '../x',
  'p'.repeat(1000),
  'semi;colon',
  'x\ny',
  '--',
];

function hostileInput(): string {
  const properties: Record<string, object> = { id: { type: 'integer' } };
  for (const p of HOSTILE_PROPERTIES) properties[p] = { type: ['null', 'string'] };
  const lines = HOSTILE_STREAMS.flatMap((stream, i) => {
    const record: Record<string, unknown> = { id: i };
    HOSTILE_PROPERTIES.forEach((p, j) => (record[p] = `v${i}-${j}`));
    return [
      JSON.stringify({
        type: 'SCHEMA',
        stream,
        schema: { type: 'object', properties },
        key_properties: ['id'],
      }),
      JSON.stringify({ type: 'RECORD', stream, record }),
    ];
  });
  return singer(...lines, JSON.stringify({ type: 'STATE', value: { done: true } }));
}

const expectedValues = (i: number) => HOSTILE_PROPERTIES.map((_, j) => `v${i}-${j}`);

const schemaLine = (stream: string, properties: Record<string, object>) =>
  JSON.stringify({ type: 'SCHEMA', stream, schema: { type: 'object', properties }, key_properties: ['id'] });
const recordLine = (stream: string, record: object) => JSON.stringify({ type: 'RECORD', stream, record });

/** Two streams whose names differ only in case, a record each. */
const CASE_PAIR = singer(
  schemaLine('Users', { id: { type: 'integer' } }),
  recordLine('Users', { id: 1 }),
  schemaLine('users', { id: { type: 'integer' } }),
  recordLine('users', { id: 2 }),
);

describe('hostile stream and property names in dest-csv', () => {
  it('writes every stream to its own file inside output_path and nowhere else', async () => {
    const dir = tempDir('hostile-csv');
    try {
      const output = join(dir.path, 'deep', 'out');
      writeFileSync(join(dir.path, 'config.json'), JSON.stringify({ output_path: output }));
      const result = await runBin(DEST_CSV, ['--config', join(dir.path, 'config.json')], {
        stages: [{ send: [hostileInput()] }],
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '{"done":true}\n');
      const outside = listFiles(dir.path).filter((f) => !f.startsWith(join('deep', 'out')));
      assert.deepEqual(outside, ['config.json'], 'no file outside output_path');
      assert.equal(existsSync('/tmp/absolute.csv'), false);
      const files = listFiles(output);
      assert.equal(files.length, HOSTILE_STREAMS.length, `one file per stream: ${files.join(', ')}`);
      const seen = files
        .map((f) => readCsv(join(output, f)))
        .map((rows) => {
          assert.equal(rows.length, 1);
          const row = rows[0]!;
          const i = Number(row.id);
          assert.deepEqual(
            HOSTILE_PROPERTIES.map((p) => row[p]),
            expectedValues(i),
          );
          return i;
        });
      assert.deepEqual(
        seen.sort((a, b) => a - b),
        HOSTILE_STREAMS.map((_, i) => i),
      );
    } finally {
      dir.remove();
    }
  });

  it('refuses two streams whose names differ only in case instead of mixing them in one file', async () => {
    const dir = tempDir('case-csv');
    try {
      writeFileSync(join(dir.path, 'config.json'), JSON.stringify({ output_path: join(dir.path, 'out') }));
      const result = await runBin(DEST_CSV, ['--config', join(dir.path, 'config.json')], {
        stages: [
          {
            send: [CASE_PAIR],
          },
        ],
      });
      assert.equal(result.code, 1);
      const error = errorLog(result)!;
      assert.equal(error.line, 3);
      assert.equal(error.stream, 'users');
      assert.match(error.msg, /Streams "Users" and "users" both map to the file users\.csv in output_path/);
    } finally {
      dir.remove();
    }
  });

  it('keeps properties that differ only in case, and a NUL in a name, as separate safe columns and files', async () => {
    const dir = tempDir('case-props-csv');
    try {
      const output = join(dir.path, 'out');
      writeFileSync(join(dir.path, 'config.json'), JSON.stringify({ output_path: output }));
      const properties = { id: { type: 'integer' }, Name: { type: 'string' }, name: { type: 'string' } };
      const result = await runBin(DEST_CSV, ['--config', join(dir.path, 'config.json')], {
        stages: [
          {
            send: [
              singer(
                schemaLine('a\u0000b', properties),
                recordLine('a\u0000b', { id: 1, Name: 'A', name: 'a' }),
              ),
            ],
          },
        ],
      });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(listFiles(output), ['a_b.csv']);
      assert.deepEqual(readCsv(join(output, 'a_b.csv')), [{ id: '1', Name: 'A', name: 'a' }]);
      assert.equal(readFileSync(join(output, 'a_b.csv'), 'utf8').includes('\u0000'), false);
    } finally {
      dir.remove();
    }
  });
});

describe('hostile stream and property names in dest-postgres', () => {
  async function prepare(label: string) {
    const db = await testServerModule().createTestSchema(label);
    const dir = tempDir(label);
    const config = join(dir.path, 'config.json');
    writeFileSync(config, JSON.stringify({ ...db.settings, add_record_metadata: false }));
    await db.query(
      `CREATE TABLE "${db.schema}".canary (x int); INSERT INTO "${db.schema}".canary VALUES (42)`,
    );
    return { db, config, cleanup: async () => (await db.drop(), dir.remove()) };
  }

  it('loads every stream into its own quoted table: no SQL is injected, the canary table is untouched', async () => {
    const t = await prepare('hostile_pg');
    try {
      const result = await runBin(DEST_POSTGRES, ['--config', t.config], {
        stages: [{ send: [hostileInput()] }],
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '{"done":true}\n');
      assert.deepEqual(await t.db.query(`SELECT x FROM "${t.db.schema}".canary`), [{ x: 42 }]);
      const tables = (
        await t.db.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [
          t.db.schema,
        ])
      ).map((r) => r.tablename);
      assert.equal(tables.length, HOSTILE_STREAMS.length + 1, tables.join(' | '));
      const seen: number[] = [];
      for (const table of tables.filter((name) => name !== 'canary')) {
        const quoted = `"${t.db.schema}"."${table.replace(/"/g, '""')}"`;
        const rows = await t.db.query(`SELECT * FROM ${quoted}`);
        assert.equal(rows.length, 1, table);
        const row = rows[0]!;
        const i = Number(row.id);
        const values = Object.entries(row)
          .filter(([column]) => column !== 'id' && !column.startsWith('_sdc_'))
          .map(([, v]) => v as string)
          .sort();
        assert.deepEqual(values, expectedValues(i).sort(), `values of ${table}`);
        const columns = Object.keys(row);
        for (const p of HOSTILE_PROPERTIES.filter((p) => p.length < 63))
          assert.ok(columns.includes(p.toLowerCase()), `${table}: column ${p}`);
        seen.push(i);
      }
      assert.deepEqual(
        seen.sort((a, b) => a - b),
        HOSTILE_STREAMS.map((_, i) => i),
      );
    } finally {
      await t.cleanup();
    }
  });

  it('refuses properties whose names differ only in case, naming both', async () => {
    const t = await prepare('case_props_pg');
    try {
      const properties = { id: { type: 'integer' }, Name: { type: 'string' }, name: { type: 'string' } };
      const result = await runBin(DEST_POSTGRES, ['--config', t.config], {
        stages: [
          { send: [singer(schemaLine('t', properties), recordLine('t', { id: 1, Name: 'A', name: 'a' }))] },
        ],
      });
      assert.equal(result.code, 1);
      const error = errorLog(result)!;
      assert.equal(error.line, 1);
      assert.equal(error.stream, 't');
      assert.match(error.msg, /"Name" and "name" both become the PostgreSQL name "name"/);
    } finally {
      await t.cleanup();
    }
  });

  it('refuses a NUL in a stream or property name with a clear error', async () => {
    const t = await prepare('nul_pg');
    try {
      for (const [stream, property] of [
        ['a\u0000b', 'v'],
        ['t', 'x\u0000y'],
      ] as const) {
        const properties = { id: { type: 'integer' }, [property]: { type: 'string' } };
        const result = await runBin(DEST_POSTGRES, ['--config', t.config], {
          stages: [
            {
              send: [singer(schemaLine(stream, properties), recordLine(stream, { id: 1, [property]: 'v' }))],
            },
          ],
        });
        assert.equal(result.code, 1);
        const error = errorLog(result)!;
        assert.equal(error.line, 1);
        assert.equal(error.stream, stream);
        assert.match(error.msg, /cannot be a PostgreSQL identifier \(it is empty or holds a NUL character\)/);
      }
    } finally {
      await t.cleanup();
    }
  });

  it('refuses two streams whose names differ only in case instead of mixing their rows in one table', async () => {
    const t = await prepare('case_streams_pg');
    try {
      const result = await runBin(DEST_POSTGRES, ['--config', t.config], {
        stages: [
          {
            send: [CASE_PAIR],
          },
        ],
      });
      const tables = await t.db.query(
        'SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> $2',
        [t.db.schema, 'canary'],
      );
      assert.equal(result.code, 1, `exit ${result.code}, tables ${JSON.stringify(tables)}`);
      const error = errorLog(result)!;
      assert.equal(error.line, 3);
      assert.equal(error.stream, 'users');
      assert.match(error.msg, /Streams "Users" and "users" both map to table/);
      assert.deepEqual(result.stdout, '');
    } finally {
      await t.cleanup();
    }
  });
});
