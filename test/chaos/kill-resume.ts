/**
 * Kill and resume: loads a large generated input with a real bin, SIGKILLs it at random points, and re-runs it
 * from the last STATE it wrote, as a tap resumes from its bookmark. Afterwards the destination must hold every
 * record: with dest-postgres and dest-duckdb (key properties, upsert) exactly once; with dest-csv at least once, with duplicates
 * only for records after the last state of a killed run. After every kill, every record before the last state
 * written must already be stored (no state ahead of the data).
 *
 * Run: `npm run test:chaos` (200 000 records, 20 kills per destination), or
 * `node test/build/chaos/kill-resume.js --records 50000 --kills 5 --target dest-csv --seed 7`.
 * The default `npm test` runs a short variant (test/reliability/kill-resume.test.ts).
 */
import { createReadStream, createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { readFileSync, readdirSync } from 'node:fs';
import { DEST_CSV, DEST_DUCKDB, DEST_POSTGRES, startBin, tempDir } from '../reliability/support/bins';
import { duckdbQuery, testServerModule } from '../reliability/support/targets';

export interface ChaosOptions {
  target: 'dest-csv' | 'dest-postgres' | 'dest-duckdb';
  records: number;
  /** A STATE after every this many records. */
  stateEvery: number;
  /** SIGKILLs before the final, unkilled run. */
  kills: number;
  /** batch_size_rows of the runs. */
  batchSizeRows: number;
  /** Share of kills made at a random time in the first 620 ms of a run (the rest: a little after a state). */
  earlyKillShare: number;
  seed: number;
  log?: (line: string) => void;
}

export const DEFAULT_CHAOS: Omit<ChaosOptions, 'target'> = {
  records: 200_000,
  stateEvery: 500,
  kills: 20,
  batchSizeRows: 5000,
  earlyKillShare: 0.2,
  seed: 20241128,
};

/** What one chaos run did. */
export interface ChaosReport {
  target: string;
  records: number;
  runs: { from: number; kill: string | undefined; lastState: number | undefined; exit: string }[];
  /** Stored rows, and distinct ids among them. */
  stored: number;
  distinct: number;
  /** Ids stored more than once (dest-csv only, allowed after a killed run's last state). */
  duplicates: number;
  elapsedMs: number;
}

function describeKill(kill: KillPoint | undefined): string {
  if (kill === undefined) return '';
  return 'afterMs' in kill ? `at ${kill.afterMs} ms` : `${kill.extraMs} ms after state ${kill.afterState}`;
}

/** A small seeded PRNG (mulberry32), so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCHEMA = JSON.stringify({
  type: 'SCHEMA',
  stream: 'items',
  schema: {
    type: 'object',
    properties: { id: { type: 'integer' }, payload: { type: 'string' }, amount: { type: 'number' } },
    required: ['id', 'payload'],
  },
  key_properties: ['id'],
});

const payloadOf = (id: number) => `p${id}-${'x'.repeat(id % 40)}`;

/** Writes the input (records 0..n-1, a STATE {"pos": k} after every `every` records) and the byte offset of each bookmark. */
async function generateInput(path: string, records: number, every: number): Promise<Map<number, number>> {
  const offsets = new Map<number, number>([[0, 0]]);
  const out = createWriteStream(path);
  let offset = 0;
  let chunk = '';
  for (let id = 0; id < records; id++) {
    chunk += `${JSON.stringify({ type: 'RECORD', stream: 'items', record: { id, payload: payloadOf(id), amount: id / 4 } })}\n`;
    if ((id + 1) % every === 0) {
      chunk += `${JSON.stringify({ type: 'STATE', value: { bookmarks: { items: { pos: id + 1 } } } })}\n`;
      offset += Buffer.byteLength(chunk);
      offsets.set(id + 1, offset);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  if (chunk.length > 0) out.write(chunk);
  out.end();
  await once(out, 'finish');
  return offsets;
}

/** The last complete STATE line of a run's stdout, as the bookmark position. */
function lastStateOf(stdout: string): number | undefined {
  const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
  const lines = complete.split('\n').filter((l) => l.length > 0);
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  return (JSON.parse(last) as { bookmarks: { items: { pos: number } } }).bookmarks.items.pos;
}

/** When to SIGKILL a run: after a time from its start, or a little after it wrote a state at or past a position. */
type KillPoint = { afterMs: number } | { afterState: number; extraMs: number };

/** Runs the bin once from bookmark `from`, killing it at `kill` unless it ends first. */
async function runOnce(
  bin: string,
  config: string,
  input: string,
  start: number,
  kill: KillPoint | undefined,
): Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }> {
  const child = startBin(bin, ['--config', config]);
  let stdout = '';
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  const killLater = (ms: number) => (timer ??= setTimeout(() => child.kill('SIGKILL'), ms));
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
    if (kill !== undefined && 'afterState' in kill && (lastStateOf(stdout) ?? 0) >= kill.afterState)
      killLater(kill.extraMs);
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.on('error', () => undefined);
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  if (kill !== undefined && 'afterMs' in kill) killLater(kill.afterMs);
  child.stdin.write(`${SCHEMA}\n`);
  pipeline(createReadStream(input, { start }), child.stdin).catch(() => undefined);
  const [code, signal] = await closed;
  clearTimeout(timer);
  return { stdout, stderr, code, signal };
}

interface Store {
  config: string;
  /** Ids below `pos` that are missing. */
  missingBelow(pos: number): Promise<number>;
  /** Every stored id (with repeats). */
  ids(): Promise<number[]>;
  /** Rows whose payload or amount differ from the source. */
  corrupt(): Promise<number>;
  cleanup(): Promise<void>;
}

async function postgresStore(dir: string, batchSizeRows: number): Promise<Store> {
  const db = await testServerModule().createTestSchema('chaos');
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({ ...db.settings, batch_size_rows: batchSizeRows, add_record_metadata: false }),
  );
  const table = `"${db.schema}".items`;
  const exists = async () =>
    (await db.query<{ t: string | null }>(`SELECT to_regclass('${db.schema}.items')::text AS t`))[0]!.t !==
    null;
  return {
    config,
    async missingBelow(pos) {
      if (pos === 0) return 0;
      if (!(await exists())) return pos;
      const [row] = await db.query<{ n: string }>(
        `SELECT count(DISTINCT id) AS n FROM ${table} WHERE id < $1`,
        [pos],
      );
      return pos - Number(row!.n);
    },
    async ids() {
      if (!(await exists())) return [];
      return (await db.query<{ id: string }>(`SELECT id::text AS id FROM ${table}`)).map((r) => Number(r.id));
    },
    async corrupt() {
      const [row] = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${table} WHERE amount IS DISTINCT FROM id / 4.0
           OR payload IS DISTINCT FROM 'p' || id || '-' || repeat('x', (id % 40)::int)`,
      );
      return Number(row!.n);
    },
    cleanup: () => db.drop(),
  };
}

function duckdbStore(dir: string, batchSizeRows: number): Store {
  const file = join(dir, 'chaos.duckdb');
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ path: file, batch_size_rows: batchSizeRows }));
  // Read after each run (the killed one's lock is gone with it); opening the file replays its WAL.
  const count = async (sql: string) => {
    if (!existsSync(file)) return undefined;
    try {
      return Number((await duckdbQuery(file, sql))[0]?.[0]);
    } catch (error) {
      if (/does not exist/.test(String(error))) return undefined;
      throw error;
    }
  };
  return {
    config,
    async missingBelow(pos) {
      if (pos === 0) return 0;
      return pos - ((await count(`SELECT count(DISTINCT id) FROM items WHERE id < ${pos}`)) ?? 0);
    },
    async ids() {
      if ((await count('SELECT count(*) FROM items')) === undefined) return [];
      return (await duckdbQuery(file, 'SELECT id FROM items')).map(([id]) => Number(id));
    },
    async corrupt() {
      const sql = `SELECT count(*) FROM items WHERE amount IS DISTINCT FROM id / 4
        OR payload IS DISTINCT FROM 'p' || id || '-' || repeat('x', (id % 40)::INT)`;
      return (await count(sql)) ?? 0;
    },
    async cleanup() {},
  };
}

function csvStore(dir: string, batchSizeRows: number): Store {
  const output = join(dir, 'out');
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ output_path: output, batch_size_rows: batchSizeRows }));
  const rows = (): Record<string, string>[] => {
    let files: string[];
    try {
      files = readdirSync(output).filter((f) => f.startsWith('items'));
    } catch {
      return [];
    }
    return files.flatMap((f) =>
      parse<Record<string, string>>(readFileSync(join(output, f)), { columns: true, bom: true }),
    );
  };
  return {
    config,
    async missingBelow(pos) {
      const seen = new Set(rows().map((r) => Number(r.id)));
      let missing = 0;
      for (let id = 0; id < pos; id++) if (!seen.has(id)) missing++;
      return missing;
    },
    async ids() {
      return rows().map((r) => Number(r.id));
    },
    async corrupt() {
      return rows().filter(
        (r) => r.payload !== payloadOf(Number(r.id)) || Number(r.amount) !== Number(r.id) / 4,
      ).length;
    },
    async cleanup() {},
  };
}

/** Runs the chaos scenario for one destination; throws an Error describing the first broken guarantee. */
export async function runKillResume(options: ChaosOptions): Promise<ChaosReport> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const next = random(options.seed);
  const dir = tempDir('chaos');
  const input = join(dir.path, 'input.singer');
  const offsets = await generateInput(input, options.records, options.stateEvery);
  const store =
    options.target === 'dest-postgres'
      ? await postgresStore(dir.path, options.batchSizeRows)
      : options.target === 'dest-duckdb'
        ? duckdbStore(dir.path, options.batchSizeRows)
        : csvStore(dir.path, options.batchSizeRows);
  const bin = { 'dest-postgres': DEST_POSTGRES, 'dest-duckdb': DEST_DUCKDB, 'dest-csv': DEST_CSV }[
    options.target
  ];
  const report: ChaosReport = {
    target: options.target,
    records: options.records,
    runs: [],
    stored: 0,
    distinct: 0,
    duplicates: 0,
    elapsedMs: 0,
  };
  // A kill point: sometimes early by time (start-up, connecting, first batch), mostly a little after a state at a
  // random position, so the kills spread over the input and land in the middle of reading and exporting.
  const killPoint = (bookmark: number, killsLeft: number): KillPoint => {
    if (next() < options.earlyKillShare) return { afterMs: Math.floor(20 + next() * 600) };
    const stride = (options.records - 3 * options.batchSizeRows - bookmark) / (killsLeft + 1);
    const target = bookmark + Math.max(1, Math.floor((0.25 + next()) * stride));
    return {
      afterState: Math.min(target, options.records - 3 * options.batchSizeRows),
      extraMs: Math.floor(next() * 40),
    };
  };
  // For dest-csv: killed runs' resume points; a record may be stored once more for each such point at or below it.
  const resumePoints: number[] = [];
  try {
    let bookmark = 0;
    let kills = 0;
    for (;;) {
      const killable = kills < options.kills && bookmark < options.records - 3 * options.batchSizeRows;
      const kill = killable ? killPoint(bookmark, options.kills - kills) : undefined;
      const result = await runOnce(bin, store.config, input, offsets.get(bookmark)!, kill);
      const lastState = lastStateOf(result.stdout);
      const exit = result.signal ?? String(result.code);
      const killed = result.signal === 'SIGKILL';
      report.runs.push({ from: bookmark, kill: killed ? describeKill(kill) : undefined, lastState, exit });
      log(
        `${options.target} run ${report.runs.length}: from ${bookmark}, ` +
          `${killed ? `killed ${describeKill(kill)}` : `exit ${exit}`}, last state ${lastState ?? '-'}`,
      );
      if (result.signal !== 'SIGKILL' && result.code !== 0) {
        throw new Error(
          `${options.target} run ${report.runs.length} (from ${bookmark}) failed with ${exit}:\n${result.stderr.slice(-3000)}`,
        );
      }
      const reached = lastState ?? bookmark;
      // No state ahead of the data: everything before the last state written is stored.
      const missing = await store.missingBelow(reached);
      if (missing > 0)
        throw new Error(
          `${options.target}: state pos ${reached} was written but ${missing} earlier records are missing`,
        );
      if (result.signal === 'SIGKILL') {
        kills++;
        resumePoints.push(reached);
      }
      bookmark = reached;
      if (result.signal !== 'SIGKILL') break; // the run ended by itself: everything was loaded
    }
    const ids = await store.ids();
    const counts = new Map<number, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    report.stored = ids.length;
    report.distinct = counts.size;
    const missing = [];
    for (let id = 0; id < options.records; id++) if (!counts.has(id)) missing.push(id);
    if (missing.length > 0)
      throw new Error(
        `${options.target}: ${missing.length} records missing (first: ${missing.slice(0, 5).join(', ')})`,
      );
    if (counts.size !== options.records)
      throw new Error(`${options.target}: ${counts.size - options.records} unknown ids stored`);
    const corrupt = await store.corrupt();
    if (corrupt > 0) throw new Error(`${options.target}: ${corrupt} rows differ from the source`);
    for (const [id, count] of counts) {
      if (count === 1) continue;
      report.duplicates++;
      if (options.target !== 'dest-csv') throw new Error(`${options.target}: id ${id} stored ${count} times`);
      const allowed = 1 + resumePoints.filter((p) => p <= id).length;
      if (count > allowed)
        throw new Error(
          `dest-csv: id ${id} stored ${count} times, but only ${allowed - 1} killed runs resumed at or before it`,
        );
    }
    report.elapsedMs = performance.now() - started;
    return report;
  } finally {
    await store.cleanup();
    dir.remove();
  }
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<void> {
  const targets = argument('target')
    ? [argument('target') as ChaosOptions['target']]
    : (['dest-postgres', 'dest-duckdb', 'dest-csv'] as const);
  let failed = false;
  for (const target of targets) {
    const options: ChaosOptions = {
      ...DEFAULT_CHAOS,
      target,
      records: Number(argument('records') ?? DEFAULT_CHAOS.records),
      kills: Number(argument('kills') ?? DEFAULT_CHAOS.kills),
      seed: Number(argument('seed') ?? DEFAULT_CHAOS.seed),
      log: (line) => process.stderr.write(`${line}\n`),
    };
    try {
      const report = await runKillResume(options);
      const killed = report.runs.filter((r) => r.kill !== undefined).length;
      if (killed < options.kills) {
        failed = true;
        process.stdout.write(
          `${target}: only ${killed} of ${options.kills} planned SIGKILLs happened (the input ran out)\n`,
        );
      }
      process.stdout.write(
        `${target}: OK — ${report.records} records, ${killed} SIGKILLs, ${report.runs.length} runs, ` +
          `${report.stored} rows stored (${report.distinct} distinct, ${report.duplicates} ids duplicated), ` +
          `${(report.elapsedMs / 1000).toFixed(1)} s (seed ${options.seed})\n`,
      );
    } catch (error) {
      failed = true;
      process.stdout.write(
        `${target}: FAILED (seed ${options.seed}) — ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) void main();
