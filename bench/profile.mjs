#!/usr/bin/env node
// Profiles row (b), the SDK loop with a no-op export, with `node --cpu-prof`, and prints where the time goes:
// self time by function overall, by file group, and for the SDK runtime (packages/sdk/build/src/runtime/*) both
// self and inclusive time.
//
//   node bench/profile.mjs [--records 300000] [--top 25] [--row b|br|be|a|c|d|e|dd|ddu] [--input standard|real]
//   (rows and inputs of bench/run.mjs)
//
// Rows d and e load into schemas bench_profile_append / bench_profile_upsert of PostgreSQL at PGHOST:PGPORT
// (default 127.0.0.1:5432, user postgres, database test), dropped first. Rows dd and ddu load a fresh DuckDB file
// under .bench/profile/ (append-only / upsert, the bench's dest-duckdb config).
//   node bench/profile.mjs --analyze path/to/file.cpuprofile
//
// The .cpuprofile is kept under .bench/profile/ and opens in Chrome DevTools (Performance tab) or speedscope.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, ensureInput } from './generate.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values: opts } = parseArgs({
  options: {
    records: { type: 'string', default: '300000' },
    top: { type: 'string', default: '25' },
    analyze: { type: 'string' },
    row: { type: 'string', default: 'b' },
    input: { type: 'string', default: 'standard' },
  },
});
const TOP = Number(opts.top);

/** Where a script URL belongs, so time can be summed by layer. */
function groupOf(url) {
  if (!url) return '(native / V8)';
  const path = url.replace(/^file:\/\//, '');
  const sdk = path.match(/packages\/sdk\/build\/src\/(.+)\.js$/);
  if (sdk) return `sdk/${sdk[1].split('/')[0]}`;
  const dep = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (dep) return `dep:${dep[1]}`;
  if (path.startsWith('node:')) return 'node core';
  return path.replace(`${ROOT}/`, '');
}

function shortUrl(url) {
  return url
    .replace(/^file:\/\//, '')
    .replace(`${ROOT}/`, '')
    .replace('packages/sdk/build/src/', 'sdk/');
}

function analyze(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Sample i lasted until sample i+1: timeDeltas[i + 1] (µs).
  const self = new Map();
  const inclusive = new Map();
  let totalUs = 0;
  const keyOf = (n) => {
    const { functionName, url, lineNumber } = n.callFrame;
    return `${functionName || '(anonymous)'}\t${url}\t${lineNumber + 1}`;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    totalUs += us;
    let node = nodes.get(profile.samples[i]);
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + us);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      node = nodes.get(id);
      const k = keyOf(node);
      if (seen.has(k)) continue; // recursion: count once
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const ms = (us) => (us / 1000).toFixed(0).padStart(6);
  const pct = (us) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
  const describe = (key) => {
    const [name, url, line] = key.split('\t');
    return url ? `${name}  ${shortUrl(url)}:${line}` : name;
  };
  const out = [];
  out.push(`profile ${file}: ${(totalUs / 1e6).toFixed(2)} s sampled`);
  const groups = new Map();
  for (const [key, us] of self) {
    const g = groupOf(key.split('\t')[1]);
    groups.set(g, (groups.get(g) ?? 0) + us);
  }
  out.push('', 'self time by layer:');
  for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 15))
    out.push(`  ${ms(us)} ms ${pct(us)}  ${g}`);
  out.push('', `top ${TOP} functions by self time:`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    out.push(`  ${ms(us)} ms ${pct(us)}  ${describe(key)}`);
  const isRuntime = (key) => key.split('\t')[1].includes('packages/sdk/build/src/runtime/');
  out.push('', 'SDK runtime (packages/sdk/build/src/runtime/*), self time:');
  for (const [key, us] of [...self]
    .filter(([k]) => isRuntime(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)) {
    out.push(`  ${ms(us)} ms ${pct(us)}  ${describe(key)}`);
  }
  out.push('', 'SDK runtime, inclusive time (self + callees):');
  for (const [key, us] of [...inclusive]
    .filter(([k]) => isRuntime(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)) {
    out.push(`  ${ms(us)} ms ${pct(us)}  ${describe(key)}`);
  }
  return out.join('\n');
}

if (opts.analyze) {
  process.stdout.write(`${analyze(opts.analyze)}\n`);
} else {
  const manifest = await ensureInput(Number(opts.records), undefined, opts.input);
  const dir = join(BENCH_DIR, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // What each row runs (the destination rows' own config is what bench/run.mjs uses).
  const csvOut = join(dir, 'csv-out');
  const scripts = {
    a: [join(ROOT, 'bench', 'baseline.mjs')],
    b: [join(ROOT, 'bench', 'noop-destination.mjs')],
    br: [join(ROOT, 'bench', 'noop-destination.mjs')],
    be: [join(ROOT, 'bench', 'noop-destination.mjs')],
    c: [join(ROOT, 'packages', 'dest-csv', 'bin', 'dest-csv.js'), '--config', join(dir, 'csv.json')],
  };
  const pg = {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    database: process.env.PGDATABASE ?? 'test',
  };
  for (const [row, loadMethod] of [
    ['d', 'append-only'],
    ['e', 'upsert'],
  ]) {
    const schema = `bench_profile_${loadMethod === 'upsert' ? 'upsert' : 'append'}`;
    const config = join(dir, `pg-${row}.json`);
    const pgConfig = {
      ...pg,
      default_target_schema: schema,
      load_method: loadMethod,
      add_record_metadata: false,
    };
    writeFileSync(config, JSON.stringify(pgConfig));
    scripts[row] = [join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js'), '--config', config];
    if (opts.row === row) {
      const psql = ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', pg.database, '-qc'];
      execFileSync('psql', [...psql, `drop schema if exists "${schema}" cascade`], { stdio: 'ignore' });
    }
  }
  for (const [row, loadMethod] of [
    ['dd', 'append-only'],
    ['ddu', 'upsert'],
  ]) {
    const config = join(dir, `duckdb-${row}.json`);
    const duckdbConfig = {
      path: join(dir, `${row}.duckdb`),
      load_method: loadMethod,
      add_record_metadata: false,
      activate_version: false,
    };
    writeFileSync(config, JSON.stringify(duckdbConfig));
    scripts[row] = [join(ROOT, 'packages', 'dest-duckdb', 'bin', 'dest-duckdb.js'), '--config', config];
  }
  if (!(opts.row in scripts)) throw new Error(`--row must be one of ${Object.keys(scripts).join(', ')}`);
  mkdirSync(csvOut);
  writeFileSync(join(dir, 'csv.json'), JSON.stringify({ output_path: csvOut }));
  const stdin = openSync(manifest.paths.singer, 'r');
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, ...scripts[opts.row]], {
    stdio: [stdin, 'ignore', 'ignore'],
    env: { ...process.env, BENCH_NOOP_MODE: { br: 'records', be: 'encode' }[opts.row] ?? 'none' },
  });
  closeSync(stdin);
  rmSync(csvOut, { recursive: true, force: true });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`profiled run failed with exit ${result.status}`);
  // One profile per thread (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile): the main thread (0) first, then
  // the encode threads of a destination with @EncodeWith.
  const threadOf = (f) => Number(f.split('.')[4]);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort((x, y) => threadOf(x) - threadOf(y));
  process.stdout.write(
    `row (${opts.row}) under --cpu-prof: ${manifest.records} records in ${seconds.toFixed(2)} s ` +
      `(${Math.round(manifest.records / seconds)} records/s, slower than unprofiled)\n`,
  );
  for (const file of files)
    process.stdout.write(`\n== thread ${threadOf(file)} (${file})\n${analyze(join(dir, file))}\n`);
}
