#!/usr/bin/env node
// Row (ddr), the DuckDB reference: DuckDB itself loading the benchmark's rows from the CSV files generate.mjs
// writes (one per stream), `INSERT INTO table SELECT * FROM read_csv(...)` per stream in one transaction, into
// tables with exactly dest-duckdb's column types (from its own type mapping), then closing the database (a
// checkpoint), as dest-duckdb does at the end of a run.
//
//   node bench/duckdb-reference.mjs --db FILE --csv-dir DIR --manifest FILE   (FILE: { streams, schemas })
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const requireFromDuckdb = createRequire(join(ROOT, 'packages', 'dest-duckdb', 'package.json'));
const { DuckDBInstance } = requireFromDuckdb('@duckdb/node-api');
const { normalizeSchema } = requireFromDuckdb('@singer-dest/sdk');
const { columnTypeOf } = requireFromDuckdb(join(ROOT, 'packages', 'dest-duckdb', 'build', 'src', 'index.js'));

const { values: opts } = parseArgs({
  options: { db: { type: 'string' }, 'csv-dir': { type: 'string' }, manifest: { type: 'string' } },
});
const manifest = JSON.parse(readFileSync(opts.manifest, 'utf8'));
const quote = (name) => `"${name.replaceAll('"', '""')}"`;
const text = (value) => `'${value.replaceAll("'", "''")}'`;

const instance = await DuckDBInstance.create(opts.db);
const connection = await instance.connect();
await connection.run("SET TimeZone = 'UTC'");
for (const stream of manifest.streams) {
  const columns = normalizeSchema(manifest.schemas[stream]).properties.map((p) => [
    p.name.toLowerCase(),
    columnTypeOf(p, false),
  ]);
  await connection.run(
    `CREATE TABLE ${quote(stream)} (${columns.map(([n, t]) => `${quote(n)} ${t}`).join(', ')})`,
  );
  const spec = columns.map(([n, t]) => `${text(n)}: ${text(t)}`).join(', ');
  const file = join(opts['csv-dir'], `${stream}.csv`);
  await connection.run('BEGIN TRANSACTION');
  await connection.run(
    `INSERT INTO ${quote(stream)} SELECT * FROM read_csv(${text(file)}, columns = {${spec}}, header = false, ` +
      `auto_detect = false, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, new_line = '\\n')`,
  );
  await connection.run('COMMIT');
}
connection.closeSync();
instance.closeSync();
process.stderr.write(`${JSON.stringify({ streams: manifest.streams.length })}\n`);
