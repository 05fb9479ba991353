/**
 * End-to-end, through the real bins: the `_sdc_*` metadata columns and `extra_properties` mean the same in
 * dest-csv, dest-postgres and dest-duckdb, because all come from the SDK's toolkit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { DuckDBInstance } from '@duckdb/node-api';
import { SDC_COLUMNS } from '@singer-dest/sdk';
import { createTestSchema, getTestServer } from '@singer-dest/dest-postgres/test-server';
import { DEST_CSV, ROOT, runBin, tempDir, writeJson, type BinResult } from '../cli/support/spawn-bin';

const DEST_POSTGRES = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');
const DEST_DUCKDB = join(ROOT, 'packages', 'dest-duckdb', 'bin', 'dest-duckdb.js');

after(async () => (await getTestServer()).stop());

/** The SDK's metadata columns (packages/sdk/test/toolkit/sdc-columns.test.ts pins the list). */
const SDC = SDC_COLUMNS.map((c) => c.name);

const input = [
  {
    type: 'SCHEMA',
    stream: 'users',
    schema: { properties: { id: { type: 'integer' }, name: { type: ['string', 'null'] } } },
    key_properties: ['id'],
  },
  {
    type: 'RECORD',
    stream: 'users',
    record: { id: 1, name: 'Ada' },
    time_extracted: '2024-01-01T10:00:00Z',
    version: 5,
  },
  {
    type: 'RECORD',
    stream: 'users',
    record: { id: 2, name: 'Bob', _sdc_deleted_at: '2024-02-01T00:00:00Z' },
  },
  { type: 'RECORD', stream: 'users', record: { id: 3, name: 'Cy', note: 'not in the schema' } },
  { type: 'STATE', value: { users: 3 } },
]
  .map((m) => `${JSON.stringify(m)}\n`)
  .join('');

/** One loaded row: its id and name, and its metadata values as text (null for null). */
type Row = Record<string, string | null>;

async function loadCsv(settings: Record<string, unknown>): Promise<{ result: BinResult; rows: Row[] }> {
  const dir = tempDir();
  const config = writeJson(dir, 'config.json', { output_path: join(dir, 'out'), ...settings });
  const result = await runBin(DEST_CSV, ['--config', config], { input });
  if (result.code !== 0) return { result, rows: [] };
  const [header, ...body] = parse(readFileSync(join(dir, 'out', 'users.csv'), 'utf8'), {
    cast: (value, context) => (value === '' && !context.quoting ? null : value),
  }) as (string | null)[][];
  return {
    result,
    rows: body.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? null]))),
  };
}

async function loadPostgres(settings: Record<string, unknown>): Promise<{ result: BinResult; rows: Row[] }> {
  const db = await createTestSchema('same_sdc');
  try {
    const config = writeJson(tempDir(), 'config.json', {
      ...db.settings,
      load_method: 'append-only',
      ...settings,
    });
    const result = await runBin(DEST_POSTGRES, ['--config', config], { input });
    if (result.code !== 0) return { result, rows: [] };
    const columns = ['id', 'name', ...(settings.add_record_metadata === true ? SDC : [])];
    const list = columns
      .map((c) =>
        c.endsWith('_at')
          ? `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${c}`
          : `${c}::text AS ${c}`,
      )
      .join(', ');
    const rows = await db.query<Row>(`SELECT ${list} FROM "${db.schema}".users ORDER BY id`);
    return { result, rows };
  } finally {
    await db.drop();
  }
}

async function loadDuckDb(settings: Record<string, unknown>): Promise<{ result: BinResult; rows: Row[] }> {
  const dir = tempDir();
  const path = join(dir, 'test.duckdb');
  const config = writeJson(dir, 'config.json', { path, load_method: 'append-only', ...settings });
  const result = await runBin(DEST_DUCKDB, ['--config', config], { input });
  if (result.code !== 0) return { result, rows: [] };
  const instance = await DuckDBInstance.create(path);
  try {
    const connection = await instance.connect();
    const columns = ['id', 'name', ...(settings.add_record_metadata === true ? SDC : [])];
    const list = columns
      .map((c) =>
        c.endsWith('_at')
          ? `strftime(${c} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS ${c}`
          : `${c}::VARCHAR AS ${c}`,
      )
      .join(', ');
    const reader = await connection.runAndReadAll(`SELECT ${list} FROM users ORDER BY id`);
    const rows = reader.getRowObjectsJson() as Row[];
    connection.closeSync();
    return { result, rows };
  } finally {
    instance.closeSync();
  }
}

const loaders = { 'dest-csv': loadCsv, 'dest-postgres': loadPostgres, 'dest-duckdb': loadDuckDb };

/** stderr's log lines, parsed (the bins log JSON when stderr is not a terminal). */
const logsOf = (result: BinResult) =>
  result.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; code?: string; level: number });

/** Timestamps as epoch ms, so `2024-01-01T10:00:00Z` and `2024-01-01T10:00:00.000Z` compare equal. */
const ms = (text: string | null) => (text === null ? null : Date.parse(text));

describe('the same in every destination (through the bins)', () => {
  for (const [name, load] of Object.entries(loaders)) {
    it(`${name}: the _sdc_* columns hold what the SDK's table says`, async () => {
      const before = Date.now();
      const { result, rows } = await load({ add_record_metadata: true });
      const afterRun = Date.now();
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.stdout, '{"users":3}\n');
      assert.deepEqual(
        rows.map((r) => [r.id, r.name]),
        [
          ['1', 'Ada'],
          ['2', 'Bob'],
          ['3', 'Cy'],
        ],
      );
      const [ada, bob] = rows as [Row, Row, Row];
      assert.equal(ms(ada._sdc_extracted_at!), Date.parse('2024-01-01T10:00:00Z'));
      assert.equal(bob._sdc_extracted_at, null);
      assert.equal(ms(bob._sdc_deleted_at!), Date.parse('2024-02-01T00:00:00Z'));
      assert.equal(ada._sdc_deleted_at, null);
      assert.deepEqual([ada._sdc_table_version, bob._sdc_table_version], ['5', null]);
      for (const row of rows) {
        const received = ms(row._sdc_received_at!)!;
        const batched = ms(row._sdc_batched_at!)!;
        assert.ok(received >= before - 1 && received <= batched && batched <= afterRun, JSON.stringify(row));
      }
      // The run's start in µs plus the input line (lines 2, 3, 4): consecutive, and the start lies in the run.
      const sequences = rows.map((r) => BigInt(r._sdc_sequence!));
      assert.deepEqual(
        sequences.map((s) => s - sequences[0]!),
        [0n, 1n, 2n],
      );
      const start = Number(sequences[0]! - 2n);
      assert.ok(start >= before * 1000 - 1000 && start <= afterRun * 1000, `${start} in the run`);
    });

    it(`${name}: a property outside the schema is left out with one warning (extra_properties "warn")`, async () => {
      const { result, rows } = await load({});
      assert.equal(result.code, 0, result.stderr);
      assert.equal(rows.length, 3);
      assert.ok(rows.every((r) => !('note' in r)));
      const warnings = logsOf(result).filter((l) => l.msg.includes('outside the schema'));
      assert.equal(warnings.length, 1, result.stderr);
      assert.equal(warnings[0]!.code, 'EXTRA_PROPERTIES');
      assert.match(
        warnings[0]!.msg,
        /Stream "users": 1 record\(s\) from input line 4 on have properties outside the schema \(note\); those values were not loaded/,
      );
      assert.doesNotMatch(result.stderr, /not in the schema"/); // the value is never logged
    });

    it(`${name}: extra_properties "fail" stops at the record's line with ERR_EXTRA_PROPERTIES, before its state`, async () => {
      const { result } = await load({ extra_properties: 'fail' });
      assert.notEqual(result.code, 0);
      assert.equal(result.stdout, '');
      const failure = logsOf(result).find((l) => l.code === 'ERR_EXTRA_PROPERTIES');
      assert.match(
        failure?.msg ?? result.stderr,
        /^stdin line 4: RECORD for stream "users" has properties that are not in the schema \(note\), and extra_properties is "fail"/,
      );
    });
  }
});

describe("Mage's table setting is one rule in every destination that has it (through the bins)", () => {
  const twoStreams = [
    {
      type: 'SCHEMA',
      stream: 'users',
      schema: { properties: { id: { type: 'integer' } } },
      key_properties: [],
    },
    { type: 'RECORD', stream: 'users', record: { id: 1 } },
    { type: 'STATE', value: { users: 1 } },
    {
      type: 'SCHEMA',
      stream: 'orders',
      schema: { properties: { id: { type: 'integer' } } },
      key_properties: [],
    },
    { type: 'RECORD', stream: 'orders', record: { id: 7 } },
  ]
    .map((m) => `${JSON.stringify(m)}\n`)
    .join('');
  const runs: Record<string, (table: string) => Promise<{ result: BinResult; loaded: string[] }>> = {
    'dest-csv': async (table) => {
      const dir = tempDir();
      const config = writeJson(dir, 'config.json', {
        output_path: join(dir, 'out'),
        table,
        batch_size_rows: 1,
      });
      const result = await runBin(DEST_CSV, ['--config', config], { input: twoStreams });
      const [, ...rows] = readFileSync(join(dir, 'out', `${table}.csv`), 'utf8').split('\r\n');
      return { result, loaded: rows.filter((row) => row !== '') };
    },
    'dest-postgres': async (table) => {
      const db = await createTestSchema('same_table');
      try {
        const config = writeJson(tempDir(), 'config.json', { ...db.settings, table, batch_size_rows: 1 });
        const result = await runBin(DEST_POSTGRES, ['--config', config], { input: twoStreams });
        const rows = await db.query<{ id: string }>(
          `SELECT id::text FROM "${db.schema}".${table} ORDER BY id`,
        );
        return { result, loaded: rows.map((r) => r.id) };
      } finally {
        await db.drop();
      }
    },
  };
  for (const [name, run] of Object.entries(runs)) {
    it(`${name}: the one stream goes to the table's file or table; a second stream stops at its SCHEMA with ERR_TABLE_FOR_ONE_STREAM`, async () => {
      const { result, loaded } = await run('dim_users');
      assert.equal(result.code, 1, result.stderr);
      const failure = logsOf(result).find((l) => l.code === 'ERR_TABLE_FOR_ONE_STREAM');
      assert.equal(
        failure?.msg,
        `stdin line 4: @OnSchema for stream "orders" failed: The table setting ("dim_users") names the ${name === 'dest-csv' ? 'file' : 'table'} of one ` +
          'stream, but the input holds stream "orders" after "users". Load one stream per run (as Mage does), or ' +
          'unset table.',
        result.stderr,
      );
      // batch_size_rows 1: the users record was exported at once, so its state was out before the failure.
      assert.deepEqual({ stdout: result.stdout, loaded }, { stdout: '{"users":1}\n', loaded: ['1'] });
    });
  }
});
