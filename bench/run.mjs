#!/usr/bin/env node
// The benchmark of issue 6. See bench/README.md.
//
//   node bench/run.mjs [--records 1000000] [--runs 3] [--only a,b,c,d,e,f]   (also be, not in the default set)
//   node bench/run.mjs --rss-growth [--rss-records 1000000,5000000] [--runs 1]
//
// Every row runs as a separate process, rows interleaved round by round (a b c d e f, a b c d e f, ...) so slow
// drift of the machine affects every row alike; the median wall time of each row is quoted.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, SHAPES, ensureInput } from './generate.mjs';
import { HAVE_GNU_TIME, measure, tail } from './measure.mjs';
import { duckdbRows } from './duckdb-rows.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const NODE = process.execPath;
const requireFromRoot = createRequire(join(ROOT, 'package.json'));
const LOG_DIR = join(BENCH_DIR, 'logs');
// Configs and CSV output of this invocation, in the system temp dir (removed at exit): nothing another user of the
// working tree does to .bench/ can pull them away mid-run.
const TMP_DIR = mkdtempSync(join(tmpdir(), 'singer-bench-'));
process.on('exit', () => rmSync(TMP_DIR, { recursive: true, force: true }));
/** A 1-minute load average above this means other work competed with the run (the previous row alone adds ~1). */
const BUSY_LOAD = cpus().length;

const DEFAULT_ROWS = 'a,a2,b,br,c,d,e,f,fk,dd,ddu,ddr,s0,s,sa,st,spa,spt';
const { values: opts } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    runs: { type: 'string' },
    only: { type: 'string', default: DEFAULT_ROWS },
    input: { type: 'string', default: 'standard,real' },
    'rss-growth': { type: 'boolean', default: false },
    // Scale-out rows (bench/concurrent.mjs): 1, 2 and 4 dest-postgres processes at once vs as many psql \copy.
    concurrent: { type: 'boolean', default: false },
    'concurrent-records': { type: 'string', default: '200000' },
    // Row cb (bench/batch-files.mjs): dest-csv loading BATCH files vs the same records as RECORD lines.
    'batch-files': { type: 'boolean', default: false },
    'batch-records': { type: 'string', default: '100000' },
    'rss-records': { type: 'string', default: '1000000,5000000' },
    'pg-host': { type: 'string', default: process.env.PGHOST ?? '127.0.0.1' },
    'pg-port': { type: 'string', default: process.env.PGPORT ?? '5432' },
    'pg-user': { type: 'string', default: process.env.PGUSER ?? 'postgres' },
    'pg-database': { type: 'string', default: process.env.PGDATABASE ?? 'test' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  process.stdout.write(
    'Usage: node bench/run.mjs [--records N] [--runs N] [--only a,a2,b,br,c,d,e,d0,e0,d1,e1,f,fk,fp,dd,ddu,ddr,s0,s,sa,st,spa,spt] [--input standard,real]\n' +
      '                          [--pg-host H --pg-port P --pg-user U --pg-database D]\n' +
      '       node bench/run.mjs --rss-growth [--rss-records 1000000,5000000] [--runs N]\n' +
      '       node bench/run.mjs --concurrent [--concurrent-records 200000] [--runs N]\n' +
      '       node bench/run.mjs --batch-files [--batch-records 100000] [--runs N]\n',
  );
  process.exit(0);
}
const pg = {
  host: opts['pg-host'],
  port: Number(opts['pg-port']),
  user: opts['pg-user'],
  database: opts['pg-database'],
};
const log = (message) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------- PostgreSQL helpers (psql, untimed)

/** psql's arguments for the benchmark's server, stopping at the first error. */
function psqlConnection() {
  return ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', pg.database, '-v', 'ON_ERROR_STOP=1'];
}

function psql(sql) {
  const result = spawnSync('psql', [...psqlConnection(), '-Atq', '-c', sql], {
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** Row counts of every table in `schema`, by table name (the destination names tables; we only count). */
function countRows(schema) {
  const sql =
    `select table_name, (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', table_schema, table_name), false, true, '')))[1]::text ` +
    `from information_schema.tables where table_schema = '${schema}' order by 1`;
  const counts = {};
  for (const line of psql(sql).split('\n').filter(Boolean)) {
    const [table, count] = line.split('|');
    counts[table] = Number(count);
  }
  return counts;
}

/** A fresh schema for a run: dropped (with everything in it) and, for (f), recreated. CHECKPOINT so no run pays
 * for writing out the previous run's dirty pages. */
function resetSchema(schema) {
  psql(`drop schema if exists "${schema}" cascade`);
  psql('checkpoint');
}

/**
 * Tables for the COPY reference, created by dest-postgres itself (untimed) so that their column types and keys are
 * exactly the destination's: it loads the input's SCHEMA lines and one record of each stream with `loadMethod`
 * (append-only: no key; upsert: the primary key), then the rows are removed again.
 */
function createTablesLikeDestination(schema, loadMethod, manifest) {
  resetSchema(schema);
  const prefix = join(TMP_DIR, `${manifest.shape}-prefix.singer`);
  writeFileSync(prefix, firstLines(manifest));
  const config = writeConfig(`tables-${schema}`, postgresConfig(schema, loadMethod));
  const result = spawnSync(NODE, [bin('dest-postgres'), '--config', config, '--input', prefix], {
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`dest-postgres could not create the tables: ${result.stderr.slice(-400)}`);
  const tables = psql(`select table_name from information_schema.tables where table_schema = '${schema}'`)
    .split('\n')
    .filter(Boolean);
  psql(`truncate ${tables.map((t) => `"${schema}"."${t}"`).join(', ')}`);
  psql('checkpoint');
}

/** The SCHEMA lines and the first RECORD of each stream: enough for dest-postgres to create every table. */
function firstLines(manifest) {
  const fd = openSync(manifest.paths.singer, 'r');
  const head = Buffer.alloc(4 * 1024 * 1024);
  const read = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const lines = head.subarray(0, read).toString('utf8').split('\n').slice(0, -1);
  const seen = new Set();
  const kept = [];
  for (const line of lines) {
    const message = JSON.parse(line);
    if (message.type === 'SCHEMA') kept.push(line);
    else if (message.type === 'RECORD' && !seen.has(message.stream)) {
      seen.add(message.stream);
      kept.push(line);
    }
    if (seen.size === manifest.streams.length) break;
  }
  return `${kept.join('\n')}\n`;
}

// ---------------------------------------------------------------- checks (untimed): a fast wrong run is no result

function checkExit(result, logFile) {
  if (result.exitCode !== 0) {
    return `exit ${result.exitCode ?? result.signal}: ${tail(logFile, 3).slice(0, 600)}`;
  }
  return undefined;
}

/** The destination must print the input's last STATE as its last stdout line (everything exported). */
function checkFinalState(result, manifest) {
  const lines = result.stdout.split('\n').filter(Boolean);
  const last = lines.at(-1);
  if (last === undefined) return 'no STATE written to stdout';
  let value;
  try {
    value = JSON.parse(last);
  } catch {
    return `last stdout line is not JSON: ${last.slice(0, 80)}`;
  }
  return isDeepStrictEqual(value, manifest.finalState)
    ? undefined
    : "last STATE on stdout is not the input's last STATE";
}

function checkTableCounts(schema, manifest) {
  const counts = countRows(schema);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total !== manifest.records) {
    return `${total} rows in schema ${schema} (${JSON.stringify(counts)}), expected ${manifest.records}`;
  }
  for (const stream of manifest.streams) {
    if (counts[stream] !== undefined && counts[stream] !== manifest.counts[stream]) {
      return `${counts[stream]} rows in ${schema}.${stream}, expected ${manifest.counts[stream]}`;
    }
  }
  return undefined;
}

/** Parses every CSV file in `dir` (named after its stream) and compares the record counts with the input's. */
async function checkCsvCounts(dir, manifest) {
  const { parse } = requireFromRoot('csv-parse');
  for (const stream of manifest.streams) {
    const file = readdirSync(dir).find((name) => name.startsWith(stream));
    if (file === undefined) return `no CSV file for stream ${stream}`;
    const known = new Set(Object.keys(manifest.schemas[stream].properties));
    let rows = 0;
    let header = false;
    for await (const row of createReadStream(join(dir, file)).pipe(parse({ relax_column_count: true }))) {
      // A header row names the columns: the stream's properties, and metadata columns.
      if (rows === 0) header = row.every((cell) => known.has(cell) || cell.startsWith('_sdc_'));
      rows++;
    }
    const records = rows - (header ? 1 : 0);
    if (records !== manifest.counts[stream])
      return `${records} CSV rows for ${stream}, expected ${manifest.counts[stream]}`;
  }
  return undefined;
}

function dirBytes(dir) {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const stat = statSync(join(dir, name));
    if (stat.isFile()) total += stat.size;
  }
  return total;
}

// ---------------------------------------------------------------- rows

const bin = (pkg, root = ROOT) => join(root, 'packages', pkg, 'bin', `${pkg}.js`);

// Rows bo, co, do and eo: (b) to (e) run from another checkout, built (BENCH_BEFORE=<its path>), interleaved with
// this one's rounds, so that "not slower than commit X" is measured in one run on the same machine state.
const BEFORE = process.env.BENCH_BEFORE;
const BEFORE_COMMIT =
  BEFORE && execFileSync('git', ['-C', BEFORE, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();

function writeConfig(name, config) {
  const file = join(TMP_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const postgresConfig = (schema, loadMethod) => ({
  host: pg.host,
  port: pg.port,
  user: pg.user,
  database: pg.database,
  default_target_schema: schema,
  load_method: loadMethod,
  add_record_metadata: false,
});

/**
 * The batch limit each row runs with, in MB, for the RSS target (at most 2 × the batch limit + 80 MB): (b) the
 * SDK's default (DEFAULT_MAX_BATCH_MB), dest-csv's and dest-postgres's own `@Destination({ maxBatchMb })`.
 */
const BATCH_MB = { b: 100, br: 100, be: 100, c: 10, d: 20, e: 20 };
const rssTarget = (id) => 2 * BATCH_MB[id] + 80;

/** Row (b) and its variants: bench/noop-destination.mjs in one of its modes (see there). */
function noopRow(id, mode, label, target, root = ROOT) {
  return {
    label,
    reference: 'a2',
    target,
    rssTarget: target === undefined ? undefined : rssTarget(id),
    command: () => ({ args: [join(root, 'bench', 'noop-destination.mjs')], env: { BENCH_NOOP_MODE: mode } }),
    check: (result, manifest, logFile) => {
      const problem = checkFinalState(result, manifest);
      if (problem) return problem;
      const { exported, delivered } = JSON.parse(tail(logFile, 1) || '{}');
      if (exported !== manifest.records) return `the SDK exported ${exported} records`;
      return mode === 'none' || delivered === manifest.records
        ? undefined
        : `the export was handed ${delivered} records`;
    },
  };
}

/**
 * Row (c): dest-csv into a fresh directory, checked by the bytes written and, in the first run, the rows; `extra`
 * settings on top of the bench's (rows c0/c1: encode_threads 0 and 1).
 */
function csvRow(label, target, root = ROOT, extra = {}) {
  return {
    label,
    reference: 'a2',
    target,
    rssTarget: rssTarget('c'),
    command: (run) => {
      const out = join(TMP_DIR, `csv-out-${run}`);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      const config = writeConfig('dest-csv', { output_path: out, ...extra });
      return { args: [bin('dest-csv', root), '--config', config], out };
    },
    check: async (result, manifest, _logFile, prepared, run) => {
      try {
        const problem = checkFinalState(result, manifest);
        if (problem) return problem;
        // The CSV holds the same values as the input minus JSON's keys and quoting: far below that means files
        // are missing (a placeholder destination writes nothing). The first run's rows are also counted.
        const bytes = dirBytes(prepared.out);
        if (bytes < manifest.bytes * 0.3)
          return `only ${bytes} bytes of CSV written for ${manifest.bytes} bytes of input`;
        return run === 1 ? await checkCsvCounts(prepared.out, manifest) : undefined;
      } finally {
        rmSync(prepared.out, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Rows (d) and (e): dest-postgres into its own freshly dropped schema, checked by the tables' row counts; `extra`
 * settings on top of the bench's (rows d0/e0: encode_threads 0).
 */
function postgresRow(id, label, schema, loadMethod, reference, target, extra = {}, root = ROOT) {
  return {
    label,
    reference,
    target,
    rssTarget: rssTarget(id),
    command: () => {
      resetSchema(schema);
      return {
        args: [
          bin('dest-postgres', root),
          '--config',
          writeConfig(`dest-postgres-${id}`, { ...postgresConfig(schema, loadMethod), ...extra }),
        ],
      };
    },
    check: (result, manifest) => checkFinalState(result, manifest) ?? checkTableCounts(schema, manifest),
  };
}

/**
 * Rows (f), (fk) and their parallel variants: the COPY reference (bench/copy-reference.mjs) into tables that
 * dest-postgres created with `loadMethod`, so that the reference loads the same column types and keys.
 */
function copyRow(label, schema, loadMethod, parallel) {
  return {
    label,
    reference: undefined,
    usesCsv: true,
    command: (_run, manifest) => {
      createTablesLikeDestination(schema, loadMethod, manifest);
      const columns = Object.fromEntries(
        manifest.streams.map((s) => [s, Object.keys(manifest.schemas[s].properties)]),
      );
      return {
        args: [
          join(ROOT, 'bench', 'copy-reference.mjs'),
          '--schema',
          schema,
          '--csv-dir',
          manifest.paths.csvDir,
          '--streams',
          manifest.streams.join(','),
          '--columns',
          JSON.stringify(columns),
          ...(parallel ? ['--parallel'] : []),
        ],
        env: { PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGDATABASE: pg.database },
        stdin: null,
      };
    },
    check: (_result, manifest) => checkTableCounts(schema, manifest),
  };
}

function baselineRow(label, extraArgs) {
  return {
    label,
    reference: 'a2',
    command: () => ({ args: [join(ROOT, 'bench', 'baseline.mjs'), ...extraArgs] }),
    check: (result, manifest, logFile) => {
      const counted = JSON.parse(tail(logFile, 1) || '{}');
      return counted.records === manifest.records ? undefined : `baseline counted ${counted.records} records`;
    },
  };
}

/** Start-up rows: a bin in a mode that reads no input, timed from spawn to exit, against `node -e 0`. */
function startupRow(label, args, expect, wallTarget) {
  return {
    label,
    kind: 'startup',
    reference: 's0',
    wallTarget,
    command: () => ({ args: args ?? ['-e', '0'], stdin: null }),
    check: (result) =>
      expect.test(result.stdout) ? undefined : `unexpected output: ${result.stdout.slice(0, 80)}`,
  };
}

/**
 * Rows (b) to (e) run from the checkout at `root`. For another checkout (rows bo to eo) `at` names its commit in
 * the labels and the rows have no targets: they are the before of this checkout's rows, the same rows but for that.
 */
function sdkRows(root, at) {
  const label = (text) => (at === undefined ? text : `${text} at ${at}`);
  const target = (value) => (at === undefined ? value : undefined);
  return {
    b: noopRow('b', 'none', label('SDK loop, validation on, no-op export'), target(0.8), root),
    c: csvRow(label('dest-csv'), target(0.8), root),
    d: postgresRow(
      'd',
      label('dest-postgres append-only'),
      'bench_append',
      'append-only',
      ['f', 'fp'],
      target(0.7),
      {},
      root,
    ),
    e: postgresRow(
      'e',
      label('dest-postgres upsert'),
      'bench_upsert',
      'upsert',
      ['fk', 'fkp'],
      target(0.5),
      {},
      root,
    ),
  };
}
const SDK_ROWS = sdkRows(ROOT);

const ROWS = {
  // The first wave's reference, kept for comparison: split2 decodes whole reads and splits the text with a regex.
  a: baselineRow('split2 + JSON.parse', []),
  // The reference for a-c: split the raw bytes at each LF and JSON.parse each line, as the SDK's reader does.
  a2: baselineRow('byte split + JSON.parse (reference)', ['--split', 'bytes']),
  b: SDK_ROWS.b,
  // Without a target: the same with an export that takes every record, which a lazily parsing SDK must then
  // parse again. The gap between (b) and (br) is what handing records over costs.
  br: noopRow('br', 'records', 'SDK loop, export takes every record'),
  // Optional: the encode stage encoding '' (the path dest-csv, dest-postgres and dest-duckdb use), nothing encoded.
  be: noopRow('be', 'encode', 'SDK loop, encode stage no-op'),
  c: SDK_ROWS.c,
  // Optional: (c) with the encoder on the main thread (encode_threads 0) and with one encode thread, beside the
  // default, so the two ways can be compared on this machine in one run.
  c0: csvRow('dest-csv, encode_threads 0', 0.8, ROOT, { encode_threads: 0 }),
  c1: csvRow('dest-csv, encode_threads 1', 0.8, ROOT, { encode_threads: 1 }),
  d: SDK_ROWS.d,
  e: SDK_ROWS.e,
  // Optional: (d) and (e) with the encoder on the main thread (encode_threads 0), beside the default's threads.
  d0: postgresRow(
    'd',
    'dest-postgres append-only, encode_threads 0',
    'bench_append',
    'append-only',
    ['f', 'fp'],
    0.7,
    {
      encode_threads: 0,
    },
  ),
  e0: postgresRow(
    'e',
    'dest-postgres upsert, encode_threads 0',
    'bench_upsert',
    'upsert',
    ['fk', 'fkp'],
    0.5,
    {
      encode_threads: 0,
    },
  ),
  // Optional: the same with one encode thread (the default from 3 cores; on 2 dest-postgres's default is 0).
  d1: postgresRow(
    'd',
    'dest-postgres append-only, encode_threads 1',
    'bench_append',
    'append-only',
    ['f', 'fp'],
    0.7,
    {
      encode_threads: 1,
    },
  ),
  e1: postgresRow(
    'e',
    'dest-postgres upsert, encode_threads 1',
    'bench_upsert',
    'upsert',
    ['fk', 'fkp'],
    0.5,
    {
      encode_threads: 1,
    },
  ),
  f: copyRow('COPY FROM STDIN, tables as append-only creates them', 'bench_copy', 'append-only', false),
  fk: copyRow('COPY FROM STDIN, tables as upsert creates them (key)', 'bench_copy_key', 'upsert', false),
  // Optional: the same with one connection per stream at once.
  fp: copyRow('COPY FROM STDIN, one connection per stream at once', 'bench_copy', 'append-only', true),
  fkp: copyRow('COPY FROM STDIN with key, a connection per stream', 'bench_copy_key', 'upsert', true),
  s0: startupRow('start-up: node -e 0 (reference)', null, /^$/),
  // Issue 18 sets a target for --version only (0.15 s); the other modes are measured, with their ratio.
  s: startupRow('start-up: dest-csv --version', [bin('dest-csv'), '--version'], /dest-csv/, 0.15),
  sa: startupRow('start-up: dest-csv --about', [bin('dest-csv'), '--about'], /dest-csv/),
  st: startupRow('start-up: dest-csv --show-templates', [bin('dest-csv'), '--show-templates'], /output_path/),
  // dest-postgres's information modes: the same, without loading pg (it loads for --test-connection and runs).
  spa: startupRow('start-up: dest-postgres --about', [bin('dest-postgres'), '--about'], /dest-postgres/),
  spt: startupRow(
    'start-up: dest-postgres --show-templates',
    [bin('dest-postgres'), '--show-templates'],
    /"host"/,
  ),
  // dest-duckdb append-only (dd) and upsert (ddu) against DuckDB's own read_csv of the same rows (ddr).
  ...duckdbRows({ ROOT, TMP_DIR, bin, writeConfig, checkFinalState }),
  // (bo) to (eo): the same rows from the other checkout.
  ...(BEFORE &&
    Object.fromEntries(Object.entries(sdkRows(BEFORE, BEFORE_COMMIT)).map(([id, row]) => [`${id}o`, row]))),
};

// ---------------------------------------------------------------- running and reporting

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function csvBytes(manifest) {
  return manifest.streams.reduce((sum, s) => sum + statSync(join(manifest.paths.csvDir, `${s}.csv`)).size, 0);
}

async function runRow(id, run, manifest, tag) {
  const row = ROWS[id];
  let prepared;
  try {
    prepared = row.command(run, manifest);
  } catch (error) {
    const problem = `preparing the run failed: ${error instanceof Error ? error.message : String(error)}`;
    log(`  (${id}) run ${run}: INVALID: ${problem}`);
    return { wallMs: null, peakRssMb: null, loadBefore: loadavg()[0], ok: false, problem };
  }
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${tag}${id}-run${run}.log`);
  // Other work on the machine skews wall times: record the load, and say so when it is high.
  const load = loadavg()[0];
  const result = await measure({
    command: prepared.command ?? NODE,
    args: prepared.args,
    stdinFile: prepared.stdin === null ? undefined : manifest.paths.singer,
    logFile,
    env: prepared.env,
  });
  let problem = checkExit(result, logFile);
  try {
    problem ??= await row.check(result, manifest, logFile, prepared, run);
  } catch (error) {
    problem = `the check after the run failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  const seconds = result.wallMs / 1000;
  log(
    `  (${id}) run ${run}: ${seconds.toFixed(2)} s, ${Math.round(manifest.records / seconds).toLocaleString('en-US')} records/s, ` +
      `peak RSS ${result.peakRssMb?.toFixed(0) ?? '?'} MB, load before ${load.toFixed(1)}` +
      `${load > BUSY_LOAD ? ' (busy machine)' : ''}${problem ? `  INVALID: ${problem}` : ''}`,
  );
  return {
    wallMs: result.wallMs,
    peakRssMb: result.peakRssMb,
    loadBefore: load,
    ok: problem === undefined,
    problem,
    log: logFile,
  };
}

function summarise(id, runs, manifest) {
  const row = ROWS[id];
  const good = runs.filter((r) => r.ok);
  const bytes = row.usesCsv ? csvBytes(manifest) : manifest.bytes;
  if (good.length === 0) {
    return { id, label: row.label, ok: false, problem: runs[0]?.problem, runs };
  }
  const wallMs = median(good.map((r) => r.wallMs));
  const rss = good.map((r) => r.peakRssMb).filter((v) => v !== null);
  return {
    id,
    label: row.label,
    ok: good.length === runs.length,
    problem: runs.find((r) => !r.ok)?.problem,
    medianWallMs: wallMs,
    recordsPerSec: manifest.records / (wallMs / 1000),
    mbPerSec: bytes / 1e6 / (wallMs / 1000),
    inputBytes: bytes,
    peakRssMb: rss.length > 0 ? Math.max(...rss) : null,
    maxLoadBefore: Math.max(...good.map((r) => r.loadBefore)),
    kind: row.kind ?? 'load',
    reference: row.reference,
    target: row.target ?? null,
    wallTargetSec: row.wallTarget ?? null,
    rssTargetMb: row.rssTarget ?? null,
    runs,
  };
}

function addRatios(rows) {
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  for (const row of rows) {
    // A reference may be several rows (sequential and parallel COPY): the fastest of those that ran counts.
    const candidates = [row.reference ?? []]
      .flat()
      .map((id) => byId[id])
      .filter((r) => r?.medianWallMs);
    const ref = candidates.sort((x, y) => x.medianWallMs - y.medianWallMs)[0];
    row.referenceUsed = ref?.id ?? null;
    // Start-up rows compare times (how many times `node -e 0`), load rows compare speeds.
    row.ratio =
      ref === undefined || ref === row || !row.medianWallMs
        ? null
        : row.kind === 'startup'
          ? row.medianWallMs / ref.medianWallMs
          : ref.medianWallMs / row.medianWallMs;
    // The same ratio within each round (runs minutes apart): shows how much the machine's drift moved it.
    row.roundRatios = (row.runs ?? []).map((run, i) => {
      const other = ref?.runs?.[i];
      if (!run.ok || !other?.ok) return null;
      return row.kind === 'startup' ? run.wallMs / other.wallMs : other.wallMs / run.wallMs;
    });
    const checks = [];
    if (row.wallTargetSec !== null) checks.push(row.medianWallMs / 1000 <= row.wallTargetSec);
    if (row.target !== null && row.target !== undefined)
      checks.push(row.ratio === null ? null : row.ratio >= row.target);
    if (row.rssTargetMb) checks.push(row.peakRssMb === null ? null : row.peakRssMb <= row.rssTargetMb);
    row.meetsTargets = !row.ok
      ? false
      : checks.length === 0
        ? null
        : checks.includes(false)
          ? false
          : checks.includes(null)
            ? null
            : true;
  }
}

function table(headers, body) {
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** A problem as one short table cell. */
function oneLine(text = '') {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}

function formatRows(rows) {
  const fmt = (n, d = 0) =>
    n === null || n === undefined
      ? '—'
      : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  return table(
    [
      'row',
      'what',
      'wall s',
      'records/s',
      'MB/s',
      'ratio',
      'by round',
      'target',
      'peak RSS MB',
      'load',
      'verdict',
    ],
    rows.map((r) => [
      r.id,
      r.label,
      fmt(r.medianWallMs && r.medianWallMs / 1000, 2),
      r.kind === 'startup' ? '' : fmt(r.recordsPerSec),
      r.kind === 'startup' ? '' : fmt(r.mbPerSec, 1),
      r.ratio === null || r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×(${r.referenceUsed})`,
      r.ratio === null ? '' : (r.roundRatios ?? []).map((x) => (x === null ? '—' : x.toFixed(2))).join(' '),
      [
        r.wallTargetSec ? `≤${r.wallTargetSec} s` : '',
        r.target ? `≥${r.target}×(${[r.reference].flat().join('|')})` : '',
        r.rssTargetMb ? `≤${r.rssTargetMb} MB` : '',
      ]
        .filter(Boolean)
        .join(', ') || '—',
      fmt(r.peakRssMb),
      fmt(r.maxLoadBefore, 1),
      !r.ok
        ? `INVALID: ${oneLine(r.problem)}`
        : r.meetsTargets === null
          ? ''
          : r.meetsTargets
            ? 'meets'
            : 'MISSES',
    ]),
  );
}

function machine() {
  let postgres = null;
  try {
    postgres = psql('show server_version');
  } catch {
    // The table says which rows failed; the machine notes just lack the version.
  }
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = git('status', '--porcelain', '--', 'packages').split('\n').filter(Boolean).length;
  return {
    code: `${git('rev-parse', '--short', 'HEAD')}${dirty ? ` + ${dirty} uncommitted file(s) under packages/` : ''}`,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    kernel: release(),
    node: process.version,
    postgres,
    peakRss: HAVE_GNU_TIME
      ? 'GNU time %M (VmHWM of the measured process)'
      : 'unavailable: install GNU time (apt-get install time)',
  };
}

async function runInput(shape, ids, records, runs) {
  const manifest = await ensureInput(records, log, shape);
  log(
    `input ${shape}: ${manifest.paths.singer} (${manifest.records} records, ${(manifest.bytes / 1e6).toFixed(1)} MB); ${runs} run(s) of rows ${ids.join(',')}`,
  );
  spawnSync('cat', [manifest.paths.singer], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache
  const results = Object.fromEntries(ids.map((id) => [id, []]));
  for (let run = 1; run <= runs; run++) {
    log(`round ${run}/${runs}`);
    for (const id of ids) results[id].push(await runRow(id, run, manifest, `${shape}-`));
  }
  const rows = ids.map((id) => summarise(id, results[id], manifest));
  addRatios(rows);
  return { shape, records, inputBytes: manifest.bytes, bytesPerRecord: manifest.bytes / records, rows };
}

async function runTable() {
  const records = Number(opts.records);
  const runs = Number(opts.runs ?? 3);
  const only = opts.only
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s in ROWS);
  const shapes = opts.input.split(',').filter((s) => s in SHAPES);
  const loadRows = only.filter((id) => ROWS[id].kind !== 'startup');
  const startupRows = only.filter((id) => ROWS[id].kind === 'startup');
  const inputs = [];
  for (const shape of shapes)
    if (loadRows.length > 0) inputs.push(await runInput(shape, loadRows, records, runs));
  // Start-up reads no input: measured once, with more runs (each takes a fraction of a second).
  const startup =
    startupRows.length > 0
      ? await runInput(shapes[0] ?? 'standard', startupRows, 1000, Math.max(runs, 5))
      : null;
  const report = {
    date: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
    machine: machine(),
    records,
    runs,
    inputs,
    startup,
  };
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  const m = report.machine;
  process.stdout.write(
    `\n${report.date}, commit ${m.code}, ${m.cpu} (${m.cores} cores, ${m.memoryGb} GB), Node ${m.node}, PostgreSQL ${m.postgres}\n`,
  );
  for (const input of inputs) {
    process.stdout.write(
      `\ninput "${input.shape}": ${records.toLocaleString('en-US')} records, ${(input.inputBytes / 1e6).toFixed(1)} MB (${Math.round(input.bytesPerRecord)} B a record), median of ${runs} run(s); ratio = the reference's wall time / the row's\n`,
    );
    process.stdout.write(`${formatRows(input.rows)}\n`);
  }
  if (startup) {
    process.stdout.write(
      `\nstart-up, median of ${Math.max(runs, 5)} runs; ratio = the row's wall time / node -e 0's\n`,
    );
    process.stdout.write(`${formatRows(startup.rows)}\n`);
  }
  process.stdout.write(`\nwritten to ${join(BENCH_DIR, 'results.json')}\n`);
}

async function runRssGrowth() {
  const sizes = opts['rss-records'].split(',').map(Number);
  const runs = Number(opts.runs ?? 1);
  // Issue 18: peak RSS flat (within 5%) from 1M to 5M records and at most 2 × the batch limit + 80 MB, every row.
  const ids = opts.only === DEFAULT_ROWS ? ['b', 'c', 'd', 'e'] : opts.only.split(',');
  const shape = opts.input.split(',')[0];
  const figures = {};
  for (const records of sizes) {
    const manifest = await ensureInput(records, log, shape);
    for (const id of ids) {
      for (let run = 1; run <= runs; run++) {
        const result = await runRow(id, run, manifest, `rss-${records}-`);
        figures[id] ??= {};
        figures[id][records] ??= [];
        figures[id][records].push(result);
      }
    }
  }
  const rows = ids.map((id) => {
    const peaks = sizes.map((n) => {
      const good = figures[id][n].filter((r) => r.ok && r.peakRssMb !== null);
      return good.length ? Math.max(...good.map((r) => r.peakRssMb)) : null;
    });
    const first = peaks[0];
    const last = peaks.at(-1);
    const growth = first && last ? (last - first) / first : null;
    const problem = sizes.flatMap((n) => figures[id][n]).find((r) => !r.ok)?.problem;
    return {
      id,
      label: ROWS[id].label,
      peaks,
      growth,
      problem,
      meets:
        !problem && growth !== null && Math.abs(growth) <= 0.05 && peaks.every((p) => p <= rssTarget(id)),
    };
  });
  const report = { date: new Date().toISOString(), machine: machine(), sizes, runs, rows, raw: figures };
  writeFileSync(join(BENCH_DIR, 'rss-growth.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `\n${table(
      [
        'row',
        'what',
        ...sizes.map((n) => `peak RSS MB @ ${n.toLocaleString('en-US')}`),
        'growth',
        'target',
        'verdict',
      ],
      rows.map((r) => [
        r.id,
        r.label,
        ...r.peaks.map((p) => (p === null ? '—' : p.toFixed(0))),
        r.growth === null ? '—' : `${(r.growth * 100).toFixed(1)}%`,
        `±5%, ≤${rssTarget(r.id)} MB`,
        r.problem ? `INVALID: ${oneLine(r.problem)}` : r.meets ? 'meets' : 'MISSES',
      ]),
    )}\n\nwritten to ${join(BENCH_DIR, 'rss-growth.json')}\n`,
  );
}

if (!HAVE_GNU_TIME)
  log(
    'GNU time not found at /usr/bin/time: peak RSS is not measured. Install it with `apt-get install time`.',
  );
async function runConcurrent() {
  const { runConcurrentRows } = await import('./concurrent.mjs');
  await runConcurrentRows({
    records: Number(opts['concurrent-records']),
    runs: Number(opts.runs ?? 1),
    processes: [1, 2, 4],
    pg,
  });
}

async function runBatchFiles() {
  const { runBatchFileRow } = await import('./batch-files.mjs');
  await runBatchFileRow({ records: Number(opts['batch-records']), runs: Number(opts.runs ?? 3) });
}

await (opts.concurrent
  ? runConcurrent()
  : opts['batch-files']
    ? runBatchFiles()
    : opts['rss-growth']
      ? runRssGrowth()
      : runTable());
