#!/usr/bin/env node
// Row cb (issue 17): dest-csv loading records from BATCH files against the same records as RECORD lines, each run
// as its own process, the two interleaved run by run, median wall time and peak RSS of each. The BATCH input is
// shaped like a Meltano SDK tap's batch_config run (singer_sdk/streams/core.py `_sync_batches`): SCHEMA, then per
// file of 10,000 records (`batch_size`) a BATCH naming it and a STATE; the files gzip'd jsonl, records serialised
// compactly (`serialize_json`). The RECORD input is the same SCHEMA, the same records as RECORD lines and the same
// STATEs after each 10,000. Both end in the same CSV (checked).
//
//   node bench/batch-files.mjs [--records 100000] [--runs 3]
//   node bench/run.mjs --batch-files [--batch-records 100000] [--runs 3]
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { BENCH_DIR } from './generate.mjs';
import { HAVE_GNU_TIME, markdownTable, measure, tail, writeReport } from './measure.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BIN = join(ROOT, 'packages', 'dest-csv', 'bin', 'dest-csv.js');
const FILE_RECORDS = 10_000;

const SCHEMA = {
  type: 'SCHEMA',
  stream: 'events',
  schema: {
    type: 'object',
    properties: {
      id: { type: ['integer'] },
      amount: { type: ['number', 'null'] },
      note: { type: ['string', 'null'] },
      at: { type: ['string', 'null'], format: 'date-time' },
    },
    $schema: 'https://json-schema.org/draft/2020-12/schema',
  },
  key_properties: ['id'],
};

/** The i-th record as serialize_json writes it. */
function recordText(i) {
  const at = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace('.000Z', '+00:00');
  return `{"id":${i},"amount":${(i * 7919) % 100000}.${String(i % 100).padStart(2, '0')},"note":"note ${i} ünïcode","at":"${at}"}`;
}

/** Writes both inputs into `dir`: the RECORD-line file and the BATCH file (with its batch files). */
function writeInputs(dir, records) {
  const schema = JSON.stringify(SCHEMA);
  const recordLines = [schema];
  const batchLines = [schema];
  for (let file = 0; file * FILE_RECORDS < records; file++) {
    const lines = [];
    for (let i = file * FILE_RECORDS; i < Math.min(records, (file + 1) * FILE_RECORDS); i++) {
      const text = recordText(i);
      lines.push(text);
      recordLines.push(`{"type":"RECORD","stream":"events","record":${text}}`);
    }
    const state = JSON.stringify({ type: 'STATE', value: { bookmarks: { events: { file } } } });
    const path = join(dir, `batch-tap-bench--events-${file + 1}.json.gz`);
    writeFileSync(path, gzipSync(`${lines.join('\n')}\n`));
    batchLines.push(
      JSON.stringify({
        type: 'BATCH',
        stream: 'events',
        encoding: { format: 'jsonl', compression: 'gzip' },
        manifest: [pathToFileURL(path).href],
      }),
    );
    recordLines.push(state);
    batchLines.push(state);
  }
  const recordInput = join(dir, 'records.singer');
  const batchInput = join(dir, 'batch.singer');
  writeFileSync(recordInput, `${recordLines.join('\n')}\n`);
  writeFileSync(batchInput, `${batchLines.join('\n')}\n`);
  return { recordInput, batchInput };
}

/**
 * Runs row cb and prints it; also what `bench/run.mjs --batch-files` calls.
 *
 * @example
 * ```js
 * await runBatchFileRow({ records: 100000, runs: 3 });
 * ```
 */
export async function runBatchFileRow({ records, runs }) {
  const log = (message) => process.stderr.write(`${message}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'singer-bench-batch-'));
  const logDir = join(BENCH_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  try {
    log(
      `writing ${records} records as RECORD lines and as ${Math.ceil(records / FILE_RECORDS)} gzip batch files`,
    );
    const inputs = writeInputs(dir, records);
    const figures = { records: [], batch: [] };
    let expectedCsv;
    for (let run = 1; run <= runs; run++) {
      for (const kind of ['records', 'batch']) {
        const out = join(dir, `out-${kind}`);
        rmSync(out, { recursive: true, force: true });
        const config = join(dir, `${kind}.json`);
        writeFileSync(config, JSON.stringify({ output_path: out }));
        const load = loadavg()[0];
        const result = await measure({
          command: process.execPath,
          args: [BIN, '--config', config],
          stdinFile: kind === 'records' ? inputs.recordInput : inputs.batchInput,
          logFile: join(logDir, `cb-${kind}.log`),
        });
        const csv = createHash('sha256')
          .update(readFileSync(join(out, 'events.csv')))
          .digest('hex');
        expectedCsv ??= csv;
        const lastState = result.stdout.trimEnd().split('\n').at(-1);
        const problem =
          result.exitCode !== 0
            ? `exit ${result.exitCode}: ${tail(join(logDir, `cb-${kind}.log`))}`
            : csv !== expectedCsv
              ? 'the CSV differs from the RECORD-line run'
              : lastState !==
                  JSON.stringify({ bookmarks: { events: { file: Math.ceil(records / FILE_RECORDS) - 1 } } })
                ? `last state ${lastState}`
                : undefined;
        log(
          `  run ${run} ${kind}: ${(result.wallMs / 1000).toFixed(2)} s, peak RSS ${result.peakRssMb?.toFixed(0) ?? '?'} MB, load before ${load.toFixed(1)}${problem ? `  INVALID: ${problem}` : ''}`,
        );
        if (problem === undefined) figures[kind].push(result);
      }
    }
    const median = (list, key) => {
      const sorted = list.map((r) => r[key]).sort((a, b) => a - b);
      return sorted[Math.floor((sorted.length - 1) / 2)];
    };
    const ok = figures.records.length > 0 && figures.batch.length > 0;
    const recordMs = ok ? median(figures.records, 'wallMs') : NaN;
    const batchMs = ok ? median(figures.batch, 'wallMs') : NaN;
    const rss = (kind) =>
      HAVE_GNU_TIME && ok ? Math.max(...figures[kind].map((r) => r.peakRssMb)).toFixed(0) : '—';
    const headers = [
      'row',
      'what',
      'BATCH records/s',
      'RECORD-line records/s',
      'ratio',
      'peak RSS MB (BATCH / RECORD)',
    ];
    const row = [
      'cb',
      `dest-csv: ${records.toLocaleString('en-US')} records from gzip BATCH files vs the same as RECORD lines`,
      ok ? Math.round(records / (batchMs / 1000)).toLocaleString('en-US') : '—',
      ok ? Math.round(records / (recordMs / 1000)).toLocaleString('en-US') : '—',
      ok ? (recordMs / batchMs).toFixed(2) : 'INVALID',
      `${rss('batch')} / ${rss('records')}`,
    ];
    writeReport(BENCH_DIR, 'batch-files', markdownTable(headers, [row]), {
      records,
      runs,
      recordMs,
      batchMs,
      note: 'ratio = RECORD-line wall time / BATCH-file wall time (above 1: BATCH files load faster), medians',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { records: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } },
  });
  await runBatchFileRow({ records: Number(values.records), runs: Number(values.runs) });
}
