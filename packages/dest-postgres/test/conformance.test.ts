/**
 * The SDK's conformance kit (the Meltano SDK's target test streams and the SDK's edge cases), loaded into
 * PostgreSQL and read back row by row (as JSON text, parsed exactly, so numerics keep every digit).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { InputError, parseJsonExact } from '@singer-dest/sdk';
import {
  conformanceFile,
  runConformance,
  runTestDestination,
  type ReadBackRow,
} from '@singer-dest/sdk/testing';
import { PostgresDestination } from '../src/postgres-destination';
import { toPgName } from '../src/identifiers';
import { getTestServer, createTestSchema, type TestSchema } from './support/test-server';
import { configOf, NO_METADATA } from './support/run';

after(async () => (await getTestServer()).stop());

async function readBack(db: TestSchema, stream: string): Promise<ReadBackRow[]> {
  const table = `"${db.schema}"."${toPgName(stream).replace(/"/g, '""')}"`;
  const [exists] = await db.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
  if (exists?.found === null || exists === undefined) return [];
  const rows = await db.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM ${table} t`);
  return rows.map((r) => parseJsonExact(r.row).value as ReadBackRow);
}

runConformance(PostgresDestination, {
  setup: (name) => createTestSchema(name),
  config: (db) => ({ ...db.settings, ...NO_METADATA, sanitize_null_text_characters: true }),
  readBack,
  teardown: (db) => db.drop(),
  keys: 'upsert',
  columnOf: toPgName,
  storedText: (text) => text.replace(/\0/g, '\uFFFD'), // sanitize_null_text_characters
});

describe('Meltano SDK streams: what only PostgreSQL shows', () => {
  it('encoded_string_data without sanitizing: fails naming the line of the NUL character, writing nothing', async () => {
    const db = await createTestSchema('nul');
    try {
      const result = await runTestDestination(PostgresDestination, {
        file: conformanceFile('meltano-sdk/encoded_string_data'),
        config: configOf({ ...db.settings, ...NO_METADATA }),
      });
      assert.ok(result.error instanceof InputError);
      assert.equal(result.error.code, 'ERR_RECORD_REJECTED');
      assert.match(
        result.error.message,
        /^stdin line 12: RECORD for stream "test_strings" was rejected by the destination: property "info" contains a NUL character/,
      );
      assert.deepEqual(result.states, []);
      assert.deepEqual(await readBack(db, 'test_strings'), []);
    } finally {
      await db.drop();
    }
  });
});
