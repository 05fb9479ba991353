#!/usr/bin/env node
// How fast dest-csv turns parsed records into CSV rows, without the SDK loop or the disk: the part of row (c) of
// the benchmark that is dest-csv's own. Parses the input once, then encodes every record a few times.
//
//   npm run build && node packages/dest-csv/bench/encode-rows.mjs [input.singer] [--flatten]
//
// Default input: the benchmark's 200k-record file (node bench/generate.mjs --records 200000).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseJsonExact } = require('@singer-dest/sdk');
const { RowEncoder } = require('../build/src/row-encoder.js');
const { CsvEncoder } = require('../build/src/csv-encoder.js');
const { TextEncoding } = require('../build/src/text-encoding.js');
const { planColumns } = require('../build/src/flatten.js');

const file = process.argv.find((a, i) => i > 1 && !a.startsWith('--')) ?? '.bench/input-200000-v1.singer';
const flatten = process.argv.includes('--flatten');
const encoder = new CsvEncoder({ delimiter: ',', quote: '"', escape: '"', lineTerminator: '\r\n' });
const rowsOf = new Map();
const records = [];
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (line === '') continue;
  const message = parseJsonExact(line).value;
  if (message.type === 'SCHEMA') {
    const plan = planColumns(message.schema, { enabled: flatten, maxDepth: 10 });
    const options = {
      plan,
      encoder,
      encoding: new TextEncoding('utf-8'),
      escapeFormulas: false,
      addMetadata: false,
    };
    rowsOf.set(message.stream, new RowEncoder({ ...options, failOnExtra: false }));
  } else if (message.type === 'RECORD') {
    records.push([rowsOf.get(message.stream), message.record]);
  }
}
let bytes = 0;
for (let round = 1; round <= 5; round++) {
  const started = performance.now();
  for (const [rows, record] of records) bytes += rows.encode(record, undefined, 0, 0, 0).length;
  const ms = performance.now() - started;
  console.log(
    `round ${round}: ${records.length} rows in ${ms.toFixed(0)} ms, ${Math.round(records.length / (ms / 1000))} rows/s`,
  );
}
