/**
 * The Meltano SDK's target test streams (dest-postgres keeps the copy, test/fixtures/meltano-sdk), loaded into
 * DuckDB and checked row by row against the input: each table holds exactly the records the input says (the last
 * one per key for streams with keys, every one otherwise), values equal as JSON.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HandlerError, InputError } from '@singer-dest/sdk';
import { testDb, type TestDb } from './support/run';

const FIXTURES = join(__dirname, '..', '..', '..', 'dest-postgres', 'test', 'fixtures', 'meltano-sdk');
const fixture = (name: string) => ({ file: join(FIXTURES, `${name}.singer`) });

interface Message {
  type: string;
  stream?: string;
  record?: Record<string, unknown>;
  key_properties?: string[];
  value?: unknown;
}

function messagesOf(name: string): Message[] {
  return readFileSync(fixture(name).file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Message);
}

/** What each table should hold after loading the files in order: rows by key (last wins) or all rows. */
function expectedTables(files: string[]): Map<string, Record<string, unknown>[]> {
  const tables = new Map<string, { keys: string[]; rows: Map<string, Record<string, unknown>> }>();
  let counter = 0;
  for (const file of files) {
    for (const message of messagesOf(file)) {
      const stream = message.stream!;
      if (message.type === 'SCHEMA') {
        const table = tables.get(stream) ?? { keys: [], rows: new Map() };
        table.keys = message.key_properties ?? [];
        tables.set(stream, table);
      } else if (message.type === 'RECORD') {
        const table = tables.get(stream)!;
        const key =
          table.keys.length > 0
            ? JSON.stringify(table.keys.map((k) => message.record![k]))
            : String(counter++);
        table.rows.set(key, message.record!);
      }
    }
  }
  return new Map([...tables].map(([stream, table]) => [stream, [...table.rows.values()]]));
}

/** Each loaded row as JSON (DuckDB's to_json), without null columns. */
async function tableRows(db: TestDb, stream: string): Promise<Record<string, unknown>[]> {
  const rows = await db.query(`SELECT to_json(t)::VARCHAR AS row FROM "${stream.toLowerCase()}" t`);
  // _sdc_table_version is the metadata column ACTIVATE_VERSION needs (on by default), not a property.
  return rows.map((r) => {
    const { _sdc_table_version: _, ...row } = JSON.parse(String(r.row)) as Record<string, unknown>;
    return normalize(row);
  });
}

function normalize(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k.toLowerCase(), v]),
  );
}

const sortKey = (row: Record<string, unknown>) =>
  JSON.stringify(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)));

async function assertLoaded(db: TestDb, files: string[]): Promise<void> {
  for (const [stream, records] of expectedTables(files)) {
    const expected = records.map(normalize).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    const actual = (await tableRows(db, stream)).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    assert.deepEqual(actual, expected, `table of stream ${stream}`);
  }
}

const lastState = (file: string) =>
  messagesOf(file)
    .filter((m) => m.type === 'STATE')
    .map((m) => m.value)
    .filter((v) => v !== null && typeof v === 'object' && Object.keys(v).length > 0)
    .slice(-1);

describe('dest-duckdb: Meltano SDK target test streams', { concurrency: 4 }, () => {
  const loads = [
    'array_data',
    'camelcase',
    'camelcase_complex_schema',
    'duplicate_records',
    'encoded_string_data',
    'no_primary_keys',
    'optional_attributes',
    'pk_updates',
    'record_missing_fields',
    'schema_no_properties',
    'schema_updates',
    'special_chars_in_attributes',
    'user_location_data',
  ];
  for (const file of loads) {
    it(`${file}: loads every record exactly and emits the last state`, async () => {
      const db = testDb(file);
      try {
        const result = await db.load(fixture(file));
        assert.equal(result.error, undefined);
        assert.deepEqual(result.states, lastState(file));
        await assertLoaded(db, [file]);
      } finally {
        db.remove();
      }
    });
  }

  it('multiple_state_messages: emits every state in order once its records are committed', async () => {
    const db = testDb('states');
    try {
      const result = await db.load(fixture('multiple_state_messages'), {}, { batchSizeRows: 1 });
      assert.equal(result.error, undefined);
      const states = messagesOf('multiple_state_messages')
        .filter((m) => m.type === 'STATE')
        .map((m) => m.value);
      assert.deepEqual(result.states, states);
      await assertLoaded(db, ['multiple_state_messages']);
    } finally {
      db.remove();
    }
  });

  it('no_primary_keys then no_primary_keys_append: the second run appends', async () => {
    const db = testDb('append');
    try {
      assert.equal((await db.load(fixture('no_primary_keys'))).error, undefined);
      assert.equal((await db.load(fixture('no_primary_keys_append'))).error, undefined);
      await assertLoaded(db, ['no_primary_keys', 'no_primary_keys_append']);
      assert.equal((await tableRows(db, 'test_no_pk')).length, 8);
    } finally {
      db.remove();
    }
  });

  it('user_location_data then user_location_upsert_data: the second run upserts by key', async () => {
    const db = testDb('upsert');
    try {
      assert.equal((await db.load(fixture('user_location_data'))).error, undefined);
      const second = await db.load(fixture('user_location_upsert_data'));
      assert.equal(second.error, undefined);
      assert.deepEqual(second.states, lastState('user_location_upsert_data'));
      await assertLoaded(db, ['user_location_data', 'user_location_upsert_data']);
    } finally {
      db.remove();
    }
  });

  const failures: [string, string, RegExp][] = [
    ['invalid_schema', 'ERR_INVALID_SCHEMA', /line 1: .*"test_invalid_schema"/],
    [
      'record_before_schema',
      'ERR_RECORD_BEFORE_SCHEMA',
      /line 1: RECORD for stream "test_record_before_schema" arrived before its SCHEMA/,
    ],
    ['record_missing_key_property', 'ERR_MISSING_KEY_PROPERTY', /line 2: .*key property "id" is missing/],
    [
      'record_missing_required_property',
      'ERR_RECORD_INVALID',
      /line 2: .*does not match the stream's schema/,
    ],
  ];
  for (const [file, code, message] of failures) {
    it(`${file}: fails with ${code} and a clear message`, async () => {
      const db = testDb(file);
      try {
        const result = await db.load(fixture(file));
        assert.ok(result.error instanceof HandlerError || result.error instanceof InputError);
        assert.equal(result.error.code, code);
        assert.match(result.error.message, message);
        assert.deepEqual(result.states, []);
      } finally {
        db.remove();
      }
    });
  }
});
