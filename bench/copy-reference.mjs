#!/usr/bin/env node
// Rows (f) and (fk), the PostgreSQL reference: the fastest plain load of the benchmark's rows that we found on
// this machine. Each stream's CSV file (written by generate.mjs) is streamed in 1 MiB pieces into one
// `COPY "schema"."table" (columns) FROM STDIN (FORMAT csv)` over the node-postgres wire protocol, the way
// dest-postgres talks to the server, into logged tables that dest-postgres itself created (so the column types and
// keys are exactly its own).
//
// Why not `psql \copy` (the first wave's row f): psql reads a client-side file line by line and sends each line as
// its own CopyData message, so it measured psql's loop more than the server (7.8 s against 4.5-6.2 s for one COPY
// of the same rows, issue 18). `--parallel` runs one connection per stream at once instead of one after another.
//
//   node bench/copy-reference.mjs --schema S --csv-dir DIR --streams a,b,c --columns '{"a":["id",...],...}' [--parallel]
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
// pg and pg-copy-streams are dest-postgres's own dependencies: the same client code the destination uses.
const requireFromPostgres = createRequire(join(ROOT, 'packages', 'dest-postgres', 'package.json'));
const { Client } = requireFromPostgres('pg');
const { from: copyFrom } = requireFromPostgres('pg-copy-streams');

const { values: opts } = parseArgs({
  options: {
    schema: { type: 'string' },
    'csv-dir': { type: 'string' },
    streams: { type: 'string' },
    columns: { type: 'string' },
    parallel: { type: 'boolean', default: false },
  },
});
const streams = opts.streams.split(',');
const columns = JSON.parse(opts.columns);
const connection = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
};
const quote = (name) => `"${name.replaceAll('"', '""')}"`;

async function copyStream(client, stream) {
  const sql = `COPY ${quote(opts.schema)}.${quote(stream)} (${columns[stream].map(quote).join(', ')}) FROM STDIN (FORMAT csv)`;
  await pipeline(
    createReadStream(join(opts['csv-dir'], `${stream}.csv`), { highWaterMark: 1024 * 1024 }),
    client.query(copyFrom(sql)),
  );
}

async function withClient(work) {
  const client = new Client(connection);
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

if (opts.parallel) {
  await Promise.all(streams.map((stream) => withClient((client) => copyStream(client, stream))));
} else {
  await withClient(async (client) => {
    for (const stream of streams) await copyStream(client, stream);
  });
}
process.stderr.write(`${JSON.stringify({ streams: streams.length, parallel: opts.parallel })}\n`);
