#!/usr/bin/env node
// The benchmark of issue 6. See bench/README.md.
//
//   node bench/run.mjs [--records 1000000] [--runs 3] [--only a,b,c,d,e,f]   (also be, not in the default set)
//   node bench/run.mjs --rss-growth [--rss-records 1000000,5000000] [--runs 1]
//
// Every row runs as a separate process, rows interleaved round by round (a b c d e f, a b c d e f, ...) so slow
// drift of the machine affects every row alike; the median wall time of each row is quoted.
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
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
import { BENCH_DIR, STREAMS, ensureInput } from './generate.mjs';
import { HAVE_GNU_TIME, measure, tail } from './measure.mjs';

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

const { values: opts } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    runs: { type: 'string' },
    only: { type: 'string', default: 'a,a2,b,br,c,d,e,f' },
    'rss-growth': { type: 'boolean', default: false },
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
    'Usage: node bench/run.mjs [--records N] [--runs N] [--only a,b,c,d,e,f] [--pg-host H --pg-port P --pg-user U --pg-database D]\n' +
      '       node bench/run.mjs --rss-growth [--rss-records 1000000,5000000] [--runs N]\n',
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

/** The column type dest-postgres's documented mapping gives a JSON Schema property (issue 5), for row (f). */
function columnType(property) {
  const types = [property.type].flat().filter((t) => t !== 'null');
  if (types.length !== 1) return 'jsonb';
  switch (types[0]) {
    case 'integer':
      return 'bigint';
    case 'number':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'string':
      return property.format === 'date-time' ? 'timestamptz' : 'text';
    default:
      return 'jsonb';
  }
}

function createCopyTables(schema, manifest) {
  const ddl = [`create schema "${schema}"`];
  for (const stream of STREAMS) {
    const props = manifest.schemas[stream].properties;
    const columns = Object.entries(props).map(([name, p]) => `"${name}" ${columnType(p)}`);
    ddl.push(`create table "${schema}"."${stream}" (${columns.join(', ')}, primary key ("id"))`);
  }
  psql(ddl.join('; '));
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
  for (const stream of STREAMS) {
    if (counts[stream] !== undefined && counts[stream] !== manifest.counts[stream]) {
      return `${counts[stream]} rows in ${schema}.${stream}, expected ${manifest.counts[stream]}`;
    }
  }
  return undefined;
}

/** Parses every CSV file in `dir` (named after its stream) and compares the record counts with the input's. */
async function checkCsvCounts(dir, manifest) {
  const { parse } = requireFromRoot('csv-parse');
  for (const stream of STREAMS) {
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

const bin = (pkg) => join(ROOT, 'packages', pkg, 'bin', `${pkg}.js`);

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

/** Row (b) and its variants: bench/noop-destination.mjs in one of its modes (see there). */
function noopRow(mode, label, targets = {}) {
  return {
    label,
    reference: 'a',
    target: targets.target,
    rssTarget: targets.rssTarget,
    command: () => ({ args: [join(ROOT, 'bench', 'noop-destination.mjs')], env: { BENCH_NOOP_MODE: mode } }),
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

/** Each row: what runs, what it reads, what is prepared before (untimed) and checked after (untimed). */
/** Rows (d) and (e): dest-postgres into its own freshly dropped schema, checked by the tables' row counts. */
function postgresRow(label, schema, loadMethod, target) {
  return {
    label,
    reference: 'f',
    target,
    command: () => {
      resetSchema(schema);
      return {
        args: [
          bin('dest-postgres'),
          '--config',
          writeConfig(`dest-postgres-${loadMethod}`, postgresConfig(schema, loadMethod)),
        ],
      };
    },
    check: (result, manifest) => checkFinalState(result, manifest) ?? checkTableCounts(schema, manifest),
  };
}

function baselineRow(label, extraArgs) {
  return {
    label,
    reference: 'a',
    command: () => ({ args: [join(ROOT, 'bench', 'baseline.mjs'), ...extraArgs] }),
    check: (result, manifest, logFile) => {
      const counted = JSON.parse(tail(logFile, 1) || '{}');
      return counted.records === manifest.records ? undefined : `baseline counted ${counted.records} records`;
    },
  };
}

const ROWS = {
  a: baselineRow('baseline: split2 + JSON.parse', []),
  // For reference, no target: the baseline with the SDK's way of splitting (bytes, not split2).
  a2: baselineRow('byte split + JSON.parse (as the SDK)', ['--split', 'bytes']),
  b: noopRow('none', 'SDK loop, validation on, no-op export', { target: 0.7, rssTarget: 250 }),
  // Also in the default set, without a target: the same with an export that takes every record, which a lazily
  // parsing SDK must then parse again. The gap between (b) and (br) is what handing records over costs.
  br: noopRow('records', 'SDK loop, export takes every record'),
  // Optional: @EncodeRecord returning '' (the path dest-csv and dest-postgres use), nothing encoded.
  be: noopRow('encode', 'SDK loop, @EncodeRecord no-op'),
  c: {
    label: 'dest-csv',
    reference: 'a',
    target: 0.45,
    rssTarget: 250,
    command: (run) => {
      const out = join(TMP_DIR, `csv-out-${run}`);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      const config = writeConfig('dest-csv', { output_path: out });
      return { args: [bin('dest-csv'), '--config', config], out };
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
  },
  d: postgresRow('dest-postgres append-only', 'bench_append', 'append-only', 0.5),
  e: postgresRow('dest-postgres upsert', 'bench_upsert', 'upsert', 0.3),
  f: {
    label: 'psql \\copy of the same rows as CSV',
    reference: 'f',
    usesCsv: true,
    command: (_run, manifest) => {
      resetSchema('bench_copy');
      createCopyTables('bench_copy', manifest);
      const copies = STREAMS.flatMap((s) => [
        '-c',
        `\\copy "bench_copy"."${s}" from '${join(manifest.paths.csvDir, `${s}.csv`)}' with (format csv)`,
      ]);
      return {
        command: 'psql',
        args: [...psqlConnection(), '-q', ...copies],
        stdin: null,
      };
    },
    check: (_result, manifest) => checkTableCounts('bench_copy', manifest),
  },
};

// ---------------------------------------------------------------- running and reporting

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function csvBytes(manifest) {
  return STREAMS.reduce((sum, s) => sum + statSync(join(manifest.paths.csvDir, `${s}.csv`)).size, 0);
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
    reference: row.reference,
    target: row.target ?? null,
    rssTargetMb: row.rssTarget ?? null,
    runs,
  };
}

function addRatios(rows) {
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  for (const row of rows) {
    const ref = byId[row.reference];
    row.ratio = row.recordsPerSec && ref?.recordsPerSec ? row.recordsPerSec / ref.recordsPerSec : null;
    // The same ratio within each round (runs minutes apart): shows how much the machine's drift moved it.
    row.roundRatios = (row.runs ?? []).map((run, i) => {
      const other = ref?.runs?.[i];
      return run.ok && other?.ok ? other.wallMs / run.wallMs : null;
    });
    const checks = [];
    if (row.target !== null && row.target !== undefined)
      checks.push(row.ratio === null ? null : row.ratio >= row.target);
    if (row.rssTargetMb) checks.push(row.peakRssMb === null ? null : row.peakRssMb < row.rssTargetMb);
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
      fmt(r.recordsPerSec),
      fmt(r.mbPerSec, 1),
      r.ratio === null || r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×(${r.reference})`,
      r.id === r.reference
        ? ''
        : (r.roundRatios ?? []).map((x) => (x === null ? '—' : x.toFixed(2))).join(' '),
      [r.target ? `≥${r.target}×(${r.reference})` : '', r.rssTargetMb ? `<${r.rssTargetMb} MB` : '']
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

async function runTable() {
  const records = Number(opts.records);
  const runs = Number(opts.runs ?? 3);
  const only = opts.only
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s in ROWS);
  const manifest = await ensureInput(records, log);
  log(
    `input: ${manifest.paths.singer} (${manifest.records} records, ${(manifest.bytes / 1e6).toFixed(1)} MB); ${runs} run(s) of rows ${only.join(',')}`,
  );
  spawnSync('cat', [manifest.paths.singer], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache
  const results = Object.fromEntries(only.map((id) => [id, []]));
  for (let run = 1; run <= runs; run++) {
    log(`round ${run}/${runs}`);
    for (const id of only) results[id].push(await runRow(id, run, manifest, ''));
  }
  const rows = only.map((id) => summarise(id, results[id], manifest));
  addRatios(rows);
  const report = {
    date: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
    machine: machine(),
    records,
    inputBytes: manifest.bytes,
    runs,
    rows,
  };
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `\n${records.toLocaleString('en-US')} records, ${(manifest.bytes / 1e6).toFixed(1)} MB input, median of ${runs} run(s); ratios to (a) for a-c, to (f) for d-f\n`,
  );
  process.stdout.write(`${formatRows(rows)}\n\nwritten to ${join(BENCH_DIR, 'results.json')}\n`);
}

async function runRssGrowth() {
  const sizes = opts['rss-records'].split(',').map(Number);
  const runs = Number(opts.runs ?? 1);
  const ids = ['b', 'c'];
  const figures = {};
  for (const records of sizes) {
    const manifest = await ensureInput(records, log);
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
      meets: !problem && growth !== null && growth < 0.1 && peaks.every((p) => p < 250),
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
        '<10%, <250 MB',
        r.problem ? `INVALID: ${oneLine(r.problem)}` : r.meets ? 'meets' : 'MISSES',
      ]),
    )}\n\nwritten to ${join(BENCH_DIR, 'rss-growth.json')}\n`,
  );
}

if (!HAVE_GNU_TIME)
  log(
    'GNU time not found at /usr/bin/time: peak RSS is not measured. Install it with `apt-get install time`.',
  );
await (opts['rss-growth'] ? runRssGrowth() : runTable());
