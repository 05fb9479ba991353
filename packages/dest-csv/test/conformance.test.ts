import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HandlerError, InputError } from '@singer-dest/sdk';
import { runTestDestination } from '@singer-dest/sdk/testing';
import { CsvDestination } from '../src/index';
import { configOf, readCsv, tempDir } from './support/csv';

// The Meltano SDK's target test streams (Apache-2.0; see fixtures/meltano-sdk/README.md).
const fixtures = join(__dirname, '..', '..', 'test', 'fixtures', 'meltano-sdk');
const fixture = (name: string) => join(fixtures, `${name}.singer`);

interface Part {
  columns: string[];
  rows: Record<string, unknown>[];
}

/**
 * What dest-csv should have written for an input, worked out independently of its code: per stream, a part per run
 * of records sharing one column list (the schema's property names), each part with those records.
 */
function expectedParts(file: string): Map<string, Part[]> {
  const streams = new Map<string, { columns: string[]; parts: Part[] }>();
  for (const line of readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')) {
    const message = JSON.parse(line) as {
      type: string;
      stream: string;
      schema: any;
      record: Record<string, unknown>;
    };
    if (message.type === 'SCHEMA') {
      const entry = streams.get(message.stream) ?? { columns: [], parts: [] };
      entry.columns = Object.keys(message.schema.properties);
      streams.set(message.stream, entry);
    } else if (message.type === 'RECORD') {
      const entry = streams.get(message.stream)!;
      let part = entry.parts.at(-1);
      if (part === undefined || part.columns.join('\0') !== entry.columns.join('\0')) {
        part = { columns: entry.columns, rows: [] };
        entry.parts.push(part);
      }
      part.rows.push(message.record);
    }
  }
  return new Map([...streams].map(([name, entry]) => [name, entry.parts]));
}

/** Compares one cell read back with the input value: text exactly, JSON by value, null as an empty field. */
function assertCell(cell: string | null, value: unknown, where: string) {
  if (value === null || value === undefined) assert.equal(cell, null, where);
  else if (typeof value === 'string') assert.equal(cell, value, where);
  else if (typeof value === 'object') assert.deepEqual(JSON.parse(cell!), value, where);
  else assert.equal(cell, String(value as number | boolean), where);
}

async function assertLoadsExactly(name: string, fileOf: (stream: string) => string) {
  const dir = tempDir();
  const result = await runTestDestination(CsvDestination, {
    file: fixture(name),
    config: configOf({ output_path: dir }),
  });
  assert.equal(result.error, undefined);
  const expected = expectedParts(fixture(name));
  const files: string[] = [];
  for (const [stream, parts] of expected) {
    parts.forEach((part, index) => {
      const file = fileOf(stream).replace(/\.csv$/, index === 0 ? '.csv' : `.part${index + 1}.csv`);
      files.push(file);
      const [header, ...rows] = readCsv(join(dir, file));
      assert.deepEqual(header, part.columns, `${file} header`);
      assert.equal(rows.length, part.rows.length, `${file} row count`);
      rows.forEach((row, r) =>
        part.columns.forEach((column, c) =>
          assertCell(row[c]!, part.rows[r]![column], `${file} row ${r + 1} ${column}`),
        ),
      );
    });
  }
  assert.deepEqual(readdirSync(dir).sort(), files.sort());
  return result;
}

describe('Meltano SDK conformance streams, read back with csv-parse', () => {
  const loads = [
    'array_data',
    'camelcase',
    'camelcase_complex_schema',
    'duplicate_records',
    'encoded_string_data',
    'no_primary_keys',
    'no_primary_keys_append',
    'optional_attributes',
    'pk_updates',
    'record_missing_fields',
    'schema_no_properties',
    'schema_updates',
    'user_location_data',
    'user_location_upsert_data',
  ];
  for (const name of loads) {
    it(`${name}: every record and every value is in the CSV exactly`, async () => {
      await assertLoadsExactly(name, (stream) => `${stream}.csv`);
    });
  }

  it('special_chars_in_attributes: the stream name becomes a safe file name, the property names stay as sent', async () => {
    await assertLoadsExactly('special_chars_in_attributes', () => 'test_SpecialChars_in_attributes.csv');
  });

  it('schema_updates: each new column list continues in the next part, so every column is kept', async () => {
    await assertLoadsExactly('schema_updates', (stream) => `${stream}.csv`);
    const dir = tempDir();
    await runTestDestination(CsvDestination, {
      file: fixture('schema_updates'),
      config: configOf({ output_path: dir }),
    });
    assert.deepEqual(readCsv(join(dir, 'test_schema_updates.part4.csv'))[0], [
      'id',
      'a1',
      'a2',
      'a3',
      'a4',
      'a5',
      'a6',
    ]);
  });

  it('encoded_string_data: control characters and NUL survive byte for byte', async () => {
    const dir = tempDir();
    await runTestDestination(CsvDestination, {
      file: fixture('encoded_string_data'),
      config: configOf({ output_path: dir }),
    });
    const rows = readCsv(join(dir, 'test_strings.csv'));
    assert.equal(rows[11]![1], 'Control Characters in string: \u0000 A \u0001');
    assert.equal(rows[6]![1], 'various " \\ / \n escape sequences');
  });

  it('multiple_state_messages: the states come out in order, each after its rows were written', async () => {
    const dir = tempDir();
    const result = await runTestDestination(CsvDestination, {
      file: fixture('multiple_state_messages'),
      config: configOf({ output_path: dir }),
      settings: { batchSizeRows: 1 },
    });
    assert.deepEqual(result.states, [
      { test_multiple_state_messages_a: 1, test_multiple_state_messages_b: 0 },
      { test_multiple_state_messages_a: 2, test_multiple_state_messages_b: 1 },
      { test_multiple_state_messages_a: 3, test_multiple_state_messages_b: 2 },
      { test_multiple_state_messages_a: 5, test_multiple_state_messages_b: 3 },
      { test_multiple_state_messages_a: 5, test_multiple_state_messages_b: 6 },
    ]);
    assert.equal(readCsv(join(dir, 'test_multiple_state_messages_a.csv')).length, 7);
    assert.equal(readCsv(join(dir, 'test_multiple_state_messages_b.csv')).length, 7);
  });

  it('record_missing_fields: the empty final state is not emitted', async () => {
    const result = await assertLoadsExactly('record_missing_fields', (stream) => `${stream}.csv`);
    assert.deepEqual(result.stdoutLines, []);
  });

  const failures: [string, string, number][] = [
    ['invalid_schema', 'ERR_INVALID_SCHEMA', 1],
    ['record_before_schema', 'ERR_RECORD_BEFORE_SCHEMA', 1],
    ['record_missing_key_property', 'ERR_MISSING_KEY_PROPERTY', 2],
    ['record_missing_required_property', 'ERR_RECORD_INVALID', 2],
  ];
  for (const [name, code, line] of failures) {
    it(`${name}: fails with ${code} on line ${line} and writes no file`, async () => {
      const dir = tempDir();
      const result = await runTestDestination(CsvDestination, {
        file: fixture(name),
        config: configOf({ output_path: dir }),
      });
      assert.ok(result.error instanceof InputError && !(result.error instanceof HandlerError));
      assert.equal(result.error.code, code);
      assert.equal(result.error.line, line);
      assert.deepEqual(readdirSync(dir), []);
      assert.deepEqual(result.states, []);
    });
  }
});
