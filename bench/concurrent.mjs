#!/usr/bin/env node
// Scale-out rows (issue 17): aggregate throughput of 1, 2 and 4 dest-postgres processes loading one server at
// once, each as a ratio to the same number of `psql \copy` loads at once, measured in the same run and round
// (docs/scale-out.md). Each process loads a stream of its own (one table each, the usual per-stream split) with
// the same rows; the `\copy` loads go into tables made with the same DDL (bigint primary key, numeric, text,
// timestamptz). Peak RSS is the largest VmHWM of any one process of the row.
//
//   node bench/concurrent.mjs [--records 200000] [--runs 1] [--processes 1,2,4]
//   node bench/run.mjs --concurrent [same options]
//
// The BATCH-file row (cb: a BATCH manifest against the same records as RECORD lines) is bench/batch-files.mjs.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { markdownTable, writeReport } from './measure.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BENCH_DIR = join(ROOT, '.bench');
const BIN = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');
const SCHEMA = 'bench_concurrent';

/**
 * Runs the concurrent rows and prints their table; also what `bench/run.mjs --concurrent` calls.
 *
 * @example
 * ```js
 * await runConcurrentRows({ records: 200000, runs: 1, processes: [1, 2, 4] });
 * ```
 */
export async function runConcurrentRows({ records, runs, processes, pg }) {
  const log = (message) => process.stderr.write(`${message}\n`);
  const psqlArgs = [
    '-h',
    pg.host,
    '-p',
    String(pg.port),
    '-U',
    pg.user,
    '-d',
    pg.database,
    '-v',
    'ON_ERROR_STOP=1',
  ];
  const psql = (sql) => {
    const result = spawnSync('psql', [...psqlArgs, '-Atq', '-c', sql], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`psql failed: ${result.stderr.trim()}`);
    return result.stdout.trim();
  };
  const most = Math.max(...processes);
  const input = await ensureInputs(records, most, log);
  const config = join(input.dir, 'dest-postgres.json');
  writeFileSync(
    config,
    JSON.stringify({
      host: pg.host,
      port: pg.port,
      user: pg.user,
      database: pg.database,
      default_target_schema: SCHEMA,
      add_record_metadata: false,
      activate_version: false,
    }),
  );
  const reset = (count) => {
    psql(`drop schema if exists ${SCHEMA} cascade`);
    psql(`create schema ${SCHEMA}`);
    for (let p = 0; p < count; p++)
      psql(
        `create table ${SCHEMA}.load_${p} (id bigint primary key, amount numeric, note text, at timestamptz)`,
      );
    psql('checkpoint');
  };
  const check = (count) => {
    for (let p = 0; p < count; p++) {
      const n = Number(psql(`select count(*) from ${SCHEMA}.load_${p}`));
      if (n !== records) return `load_${p} holds ${n} rows, not ${records}`;
    }
    return undefined;
  };
  const results = [];
  for (const count of processes) {
    const figures = { dest: [], psql: [] };
    for (let run = 1; run <= runs; run++) {
      // dest-postgres: the tables do not exist, it creates them (at once, in one schema).
      reset(0);
      const load = loadavg()[0];
      const dest = await timeAll(
        Array.from({ length: count }, (_, p) => ({
          command: process.execPath,
          args: [BIN, '--config', config],
          stdin: input.singer[p],
        })),
      );
      const destProblem = dest.failed ?? check(count);
      reset(count);
      const reference = await timeAll(
        Array.from({ length: count }, (_, p) => ({
          command: 'psql',
          args: [
            ...psqlArgs,
            '-c',
            `\\copy ${SCHEMA}.load_${p} (id, amount, note, at) from '${input.csv[p]}' with (format csv)`,
          ],
        })),
      );
      const refProblem = reference.failed ?? check(count);
      log(
        `  ${count} at once, run ${run}: dest-postgres ${(dest.wallMs / 1000).toFixed(2)} s, psql \\copy ` +
          `${(reference.wallMs / 1000).toFixed(2)} s, load before ${load.toFixed(1)}` +
          `${destProblem || refProblem ? `  INVALID: ${destProblem ?? refProblem}` : ''}`,
      );
      if (destProblem || refProblem) continue;
      figures.dest.push(dest);
      figures.psql.push(reference);
    }
    const median = (list, key) => {
      const sorted = list.map((r) => r[key]).sort((a, b) => a - b);
      return sorted[Math.floor((sorted.length - 1) / 2)];
    };
    if (figures.dest.length === 0) {
      results.push({ processes: count, ok: false });
      continue;
    }
    const destMs = median(figures.dest, 'wallMs');
    const psqlMs = median(figures.psql, 'wallMs');
    results.push({
      processes: count,
      ok: true,
      records: count * records,
      destRecordsPerSecond: (count * records) / (destMs / 1000),
      psqlRecordsPerSecond: (count * records) / (psqlMs / 1000),
      ratio: psqlMs / destMs,
      destPeakRssMb: Math.max(...figures.dest.map((r) => r.peakRssMb)),
      psqlPeakRssMb: Math.max(...figures.psql.map((r) => r.peakRssMb)),
    });
  }
  psql(`drop schema if exists ${SCHEMA} cascade`);
  const rows = results.map((r) => [
    `c${r.processes}`,
    `${r.processes} dest-postgres at once vs ${r.processes} psql \\copy at once`,
    r.ok ? Math.round(r.destRecordsPerSecond).toLocaleString('en-US') : '—',
    r.ok ? Math.round(r.psqlRecordsPerSecond).toLocaleString('en-US') : '—',
    r.ok ? r.ratio.toFixed(2) : 'INVALID',
    r.ok ? `${r.destPeakRssMb.toFixed(0)} / ${r.psqlPeakRssMb.toFixed(0)}` : '—',
  ]);
  const headers = [
    'row',
    'what',
    'dest records/s (all)',
    'psql records/s (all)',
    'ratio',
    'peak RSS MB (one process)',
  ];
  return writeReport(BENCH_DIR, 'concurrent', markdownTable(headers, rows), {
    records,
    runs,
    results,
    note: 'ratio = dest-postgres aggregate throughput / psql \\copy aggregate throughput, medians, same run',
  });
}

/** One Singer file and one CSV file per process (the same rows, ids of its own range), made once and kept. */
async function ensureInputs(records, count, log) {
  const dir = join(BENCH_DIR, `concurrent-${records}`);
  mkdirSync(dir, { recursive: true });
  const singer = [];
  const csv = [];
  for (let p = 0; p < count; p++) {
    const singerPath = join(dir, `load_${p}.singer`);
    const csvPath = join(dir, `load_${p}.csv`);
    singer.push(singerPath);
    csv.push(csvPath);
    if (existsSync(singerPath) && existsSync(csvPath)) continue;
    log(`writing ${singerPath} and ${csvPath} (${records} records)`);
    const out = createWriteStream(singerPath);
    const rows = createWriteStream(csvPath);
    const schema = {
      type: 'SCHEMA',
      stream: `load_${p}`,
      schema: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          amount: { type: 'number' },
          note: { type: 'string' },
          at: { type: 'string', format: 'date-time' },
        },
      },
      key_properties: ['id'],
    };
    out.write(`${JSON.stringify(schema)}\n`);
    let chunk = '';
    let csvChunk = '';
    for (let i = 0; i < records; i++) {
      const id = p * 100_000_000 + i;
      const amount = `${i % 100000}.${String(i % 100).padStart(2, '0')}`;
      const note = `order ${i} of stream ${p}`;
      const at = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
      chunk += `{"type":"RECORD","stream":"load_${p}","record":{"id":${id},"amount":${amount},"note":"${note}","at":"${at}"}}\n`;
      csvChunk += `${id},${amount},${note},${at}\n`;
      if ((i + 1) % 10000 === 0) {
        chunk += `{"type":"STATE","value":{"load_${p}":${i}}}\n`;
        if (!out.write(chunk)) await once(out, 'drain');
        if (!rows.write(csvChunk)) await once(rows, 'drain');
        chunk = '';
        csvChunk = '';
      }
    }
    out.end(`${chunk}{"type":"STATE","value":{"load_${p}":"done"}}\n`);
    rows.end(csvChunk);
    await Promise.all([once(out, 'finish'), once(rows, 'finish')]);
  }
  return { dir, singer, csv };
}

/** Peak resident set (VmHWM) of a live process in MB, or undefined once it is gone. */
function peakRssMb(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts every command at once; resolves with the wall time until the last one exited, and the largest RSS. */
async function timeAll(commands) {
  const started = performance.now();
  let peak = 0;
  let failed;
  const children = commands.map(({ command, args, stdin }) => {
    const fd = stdin === undefined ? 'ignore' : openSync(stdin, 'r');
    const child = spawn(command, args, { stdio: [fd, 'ignore', 'pipe'] });
    if (typeof fd === 'number') closeSync(fd);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const done = new Promise((resolveDone) =>
      child.on('close', (code) => {
        if (code !== 0) failed ??= `${command} exited ${code}: ${stderr.trim().split('\n').at(-1)}`;
        resolveDone();
      }),
    );
    return { child, done };
  });
  const poll = setInterval(() => {
    for (const { child } of children) peak = Math.max(peak, peakRssMb(child.pid) ?? 0);
  }, 20);
  await Promise.all(children.map((c) => c.done));
  clearInterval(poll);
  return { wallMs: performance.now() - started, peakRssMb: peak, failed };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '200000' },
      runs: { type: 'string', default: '1' },
      processes: { type: 'string', default: '1,2,4' },
    },
  });
  await runConcurrentRows({
    records: Number(values.records),
    runs: Number(values.runs),
    processes: values.processes.split(',').map(Number),
    pg: {
      host: process.env.PGHOST ?? '127.0.0.1',
      port: Number(process.env.PGPORT ?? 5432),
      user: process.env.PGUSER ?? 'postgres',
      database: process.env.PGDATABASE ?? 'test',
    },
  });
}
