/**
 * The SDK's conformance kit (the Meltano SDK's target test streams and the SDK's edge cases), loaded into DuckDB
 * and read back row by row (DuckDB's JSON of each row).
 */
import { existsSync } from 'node:fs';
import { parseJsonExact } from '@singer-dest/sdk';
import { runConformance, type ReadBackRow } from '@singer-dest/sdk/testing';
import { DuckDbDestination } from '../src/duckdb-destination';
import { testDb, type TestDb } from './support/run';

async function readBack(db: TestDb, stream: string): Promise<ReadBackRow[]> {
  if (!existsSync(db.path)) return [];
  const table = stream.toLowerCase().replace(/"/g, '""');
  const found = await db.query(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = '${table.replace(/'/g, "''")}'`,
  );
  if (Number(found[0]?.n) === 0) return [];
  const rows = await db.query(`SELECT to_json(t)::VARCHAR AS row FROM "${table}" t`);
  return rows.map((r) => parseJsonExact(String(r.row)).value as ReadBackRow);
}

runConformance(DuckDbDestination, {
  setup: (name) => testDb(name),
  // A number without multipleOf is DECIMAL(38,9), and becomes text when a value has more decimals (never
  // rounded): the exact-numbers case reads such numbers back as text, so it asks for text from the start.
  config: (db, name) => ({ path: db.path, unbounded_numbers_as_text: name === 'exact_numbers' }),
  readBack,
  teardown: (db) => db.remove(),
  keys: 'upsert',
  columnOf: (property) => property.toLowerCase(),
});
