/**
 * Two dest-csv processes writing the same stream into one output_path (docs/scale-out.md): each writes a file
 * of its own (the stream's file, or its next part), so rows never interleave and each file has one header.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DEST_CSV, driveChild, runBin, singer, startBin, tempDir } from './support/bins';

const work = tempDir('concurrent-csv');
after(() => work.remove());

const schema = JSON.stringify({
  type: 'SCHEMA',
  stream: 'users',
  schema: { type: 'object', properties: { id: { type: 'integer' }, who: { type: 'string' } } },
  key_properties: ['id'],
});
const record = (id: number, who: string) =>
  JSON.stringify({ type: 'RECORD', stream: 'users', record: { id, who } });
const state = (value: string) => JSON.stringify({ type: 'STATE', value });

let runs = 0;
/** A fresh output_path; batches of one row, so a STATE on stdout means its rows are in the file. */
function setUp(batchSizeRows = 1): { dir: string; config: string } {
  const dir = join(work.path, `out-${runs++}`);
  const config = join(work.path, `config-${runs}.json`);
  writeFileSync(config, JSON.stringify({ output_path: dir, batch_size_rows: batchSizeRows }));
  return { dir, config };
}

/** Every file's rows: the header must be the first line and appear once. */
function readAll(dir: string): Map<string, string[][]> {
  const files = new Map<string, string[][]>();
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.csv'))
    .sort()) {
    const rows: string[][] = parse(readFileSync(join(dir, name)));
    files.set(name, rows);
  }
  return files;
}

function rowsOf(file: string[][] | undefined): string[][] {
  assert.ok(file !== undefined);
  assert.deepEqual(file[0], ['id', 'who'], 'the header is the first line');
  const rows = file.slice(1);
  assert.ok(!rows.some((r) => r[0] === 'id'), 'the header appears once');
  return rows;
}

describe('concurrent dest-csv runs into one output_path', () => {
  it('a second process on a stream another process is writing writes the next part, with its own header', async () => {
    const { dir, config } = setUp();
    const first = startBin(DEST_CSV, ['--config', config]);
    const a = driveChild(first, {
      stages: [
        { send: [singer(schema, record(1, 'a'), state('a1'))] },
        {
          afterStdout: '"a1"',
          action: async () => {
            // The first process holds users.csv (open, stdin still open) while the second runs to its end.
            const b = await runBin(DEST_CSV, ['--config', config], {
              stages: [{ send: [singer(schema, record(2, 'b'), record(3, 'b'), state('b1'))] }],
            });
            assert.equal(b.code, 0, b.stderr);
            assert.equal(b.stdout, '"b1"\n');
            assert.match(
              b.stderr,
              /users\.csv is being written by another process \(pid \d+ on [^)]+\); this run writes users\.part2\.csv/,
            );
          },
          send: [singer(record(4, 'a'), state('a2'))],
        },
      ],
    });
    const result = await a;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '"a1"\n"a2"\n');
    const files = readAll(dir);
    assert.deepEqual([...files.keys()], ['users.csv', 'users.part2.csv']);
    assert.deepEqual(readdirSync(dir).sort(), ['users.csv', 'users.part2.csv'], 'no lock file is left');
    assert.deepEqual(rowsOf(files.get('users.csv')), [
      ['1', 'a'],
      ['4', 'a'],
    ]);
    assert.deepEqual(rowsOf(files.get('users.part2.csv')), [
      ['2', 'b'],
      ['3', 'b'],
    ]);
  });

  it('two processes started at once on one stream: every row whole, once, each file one header', async () => {
    const { dir, config } = setUp(1000);
    const rows = (who: string, base: number, from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) =>
        record(base + from + i, `${who}-${'x'.repeat((from + i) % 50)}`),
      );
    // Both hold the stream's file at once: each sends a first full batch and its STATE (so its file is open and
    // locked), and sends the rest only once both STATEs are out. Without this wait one run could end before the
    // other opens a file, and both would rightly append to users.csv.
    let opened = 0;
    let bothOpen: () => void = () => undefined;
    const bothOpened = new Promise<void>((resolve) => (bothOpen = resolve));
    const run = (who: string, base: number) =>
      runBin(DEST_CSV, ['--config', config], {
        stages: [
          { send: [singer(schema, ...rows(who, base, 0, 1000), state(`${who}0`))] },
          {
            afterStdout: `"${who}0"`,
            action: async () => {
              if (++opened === 2) bothOpen();
              await bothOpened;
            },
            send: [singer(...rows(who, base, 1000, 20_000), state(who))],
          },
        ],
      });
    const [a, b] = await Promise.all([run('a', 0), run('b', 100_000)]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual([a.stdout, b.stdout], ['"a0"\n"a"\n', '"b0"\n"b"\n']);
    const files = readAll(dir);
    assert.deepEqual([...files.keys()], ['users.csv', 'users.part2.csv']);
    // Each file holds one process's rows only, in its order.
    const contents = [...files.values()].map(rowsOf);
    const owners = contents.map((rows) => new Set(rows.map((r) => r[1]!.split('-')[0])));
    assert.deepEqual(owners.map((o) => [...o].sort()).sort(), [['a'], ['b']]);
    for (const rows of contents) {
      const base = rows[0]![1]!.startsWith('a') ? 0 : 100_000;
      const who = base === 0 ? 'a' : 'b';
      assert.deepEqual(
        rows,
        Array.from({ length: 20_000 }, (_, i) => [String(base + i), `${who}-${'x'.repeat(i % 50)}`]),
      );
    }
  });

  it('takes over the lock of a process that was killed, and appends to the same file', async () => {
    const { dir, config } = setUp();
    const first = await runBin(DEST_CSV, ['--config', config], {
      stages: [{ send: [singer(schema, record(1, 'a'), state('a1'))] }],
    });
    assert.equal(first.code, 0, first.stderr);
    // A lock left by a process of this host that no longer runs (as after kill -9).
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    mkdirSync(join(dir, '.dest-csv-locks'));
    writeFileSync(
      join(dir, '.dest-csv-locks', 'users.csv.lock'),
      JSON.stringify({ host: hostname(), pid: Number(gone), nonce: 'dead' }),
    );
    const second = await runBin(DEST_CSV, ['--config', config], {
      stages: [{ send: [singer(schema, record(2, 'b'), state('b1'))] }],
    });
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /being written by another process/);
    assert.deepEqual(readdirSync(dir), ['users.csv'], 'the dead lock and the lock folder are gone');
    assert.deepEqual(rowsOf(readAll(dir).get('users.csv')), [
      ['1', 'a'],
      ['2', 'b'],
    ]);
  });

  it("leaves another host's lock alone and writes the next part, naming the lock to remove", async () => {
    const { dir, config } = setUp();
    const first = await runBin(DEST_CSV, ['--config', config], {
      stages: [{ send: [singer(schema, record(1, 'a'), state('a1'))] }],
    });
    assert.equal(first.code, 0, first.stderr);
    mkdirSync(join(dir, '.dest-csv-locks'));
    const lock = join(dir, '.dest-csv-locks', 'users.csv.lock');
    writeFileSync(lock, JSON.stringify({ host: 'elsewhere', pid: 1, nonce: 'remote' }));
    const second = await runBin(DEST_CSV, ['--config', config], {
      stages: [{ send: [singer(schema, record(2, 'b'), state('b1'))] }],
    });
    assert.equal(second.code, 0, second.stderr);
    assert.match(
      second.stderr,
      /pid 1 on elsewhere\); this run writes users\.part2\.csv\. If that process is gone, remove .*\.dest-csv-locks\/users\.csv\.lock/,
    );
    assert.ok(existsSync(lock));
    assert.deepEqual(rowsOf(readAll(dir).get('users.part2.csv')), [['2', 'b']]);
  });
});
