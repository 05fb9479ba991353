/**
 * The SDK's conformance kit (the Meltano SDK's target test streams and the SDK's edge cases), read back with
 * csv-parse: every part file of a stream, each row by its header.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  conformanceFile,
  runConformance,
  runTestDestination,
  type ReadBackRow,
} from '@singer-dest/sdk/testing';
import { CsvDestination } from '../src/index';
import { safeSegment } from '../src/file-naming';
import { configOf, readCsv, tempDir } from './support/csv';

function readBack(dir: string, stream: string): ReadBackRow[] {
  const base = safeSegment(stream);
  const parts = readdirSync(dir).filter(
    (f) => f === `${base}.csv` || new RegExp(`^${base}\\.part\\d+\\.csv$`).test(f),
  );
  return parts.flatMap((file) => {
    const [header, ...rows] = readCsv(join(dir, file));
    return rows.map((cells) => Object.fromEntries(header!.map((column, i) => [column, cells[i]])));
  });
}

runConformance(CsvDestination, {
  setup: () => tempDir(),
  config: (dir) => ({ output_path: dir }),
  readBack,
  keys: 'append', // CSV has no upsert: every record is a row
});

describe('Meltano SDK streams: what only CSV shows', () => {
  it('schema_updates: each new column list continues in the next part file, so every column is kept', async () => {
    const dir = tempDir();
    const result = await runTestDestination(CsvDestination, {
      file: conformanceFile('meltano-sdk/schema_updates'),
      config: configOf({ output_path: dir }),
    });
    assert.equal(result.error, undefined);
    const parts = readdirSync(dir).sort();
    assert.equal(parts[0], 'test_schema_updates.csv');
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

  it('special_chars_in_attributes: the stream name becomes a safe file name, the property names stay as sent', async () => {
    const dir = tempDir();
    await runTestDestination(CsvDestination, {
      file: conformanceFile('meltano-sdk/special_chars_in_attributes'),
      config: configOf({ output_path: dir }),
    });
    assert.deepEqual(readdirSync(dir), ['test_SpecialChars_in_attributes.csv']);
  });
});
