import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEST_CSV,
  DEST_POSTGRES,
  FAULT_DEST,
  driveChild,
  errorLog,
  runBin,
  singer,
  startBin,
  tempDir,
} from './support/bins';
import { USERS_SCHEMA, stateLine, userRecord } from './support/singer';
import { TARGETS, readCsv, testServerModule } from './support/targets';
import { TcpProxy } from './support/tcp-proxy';

/** SCHEMA users, then records 1..n each followed by STATE {pos: i}. */
function recordsWithStates(from: number, to: number, pad = 0): string {
  const lines: string[] = [];
  for (let i = from; i <= to; i++) {
    lines.push(userRecord(i, pad > 0 ? { name: `n${i}`.padEnd(pad, '.') } : {}), stateLine({ pos: i }));
  }
  return singer(...lines);
}

/** The STATE lines `{"pos":k}` for each k. */
const states = (...positions: number[]) => positions.map((p) => `{"pos":${p}}\n`).join('');

function exportedIds(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => (JSON.parse(l) as { record: { id: number } }).record.id);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('an export that throws on the k-th batch', () => {
  for (const k of [1, 2, 4]) {
    it(`fails naming batch ${k}, and writes exactly the states whose records were exported before it`, async () => {
      const dir = tempDir('fail-batch');
      try {
        const output = join(dir.path, 'out.jsonl');
        const config = join(dir.path, 'config.json');
        writeFileSync(config, JSON.stringify({ output_file: output, batch_size_rows: 3 }));
        const result = await runBin(FAULT_DEST, ['--config', config], {
          env: { FAULT_FAIL_BATCH: String(k) },
          stages: [{ send: [singer(USERS_SCHEMA), recordsWithStates(1, 15)] }],
        });
        assert.equal(result.code, 1, result.stderr);
        const error = errorLog(result)!;
        assert.equal(error.code, 'ERR_EXPORT_FAILED');
        assert.equal(error.stream, 'users');
        // Record i is on line 2i: batch k holds records 3k-2..3k.
        assert.equal(error.line, 2 * (3 * k - 2));
        assert.match(
          error.msg,
          new RegExp(
            `^Export of batch ${k} failed \\(stream "users", 3 records from stdin lines ${2 * (3 * k - 2)}-${6 * k}\\): ` +
              `injected failure of batch ${k}\\. No STATE after the records of this batch was written`,
          ),
        );
        assert.deepEqual(exportedIds(output), range(1, 3 * (k - 1)));
        assert.equal(result.stdout, states(...range(1, k - 1).map((b) => 3 * b)));
      } finally {
        dir.remove();
      }
    });
  }
});

describe('signals during an export', () => {
  it('SIGTERM during an export finishes it and the buffered records, writes their states, exits 143', async () => {
    const dir = tempDir('sigterm');
    try {
      const output = join(dir.path, 'out.jsonl');
      const config = join(dir.path, 'config.json');
      writeFileSync(config, JSON.stringify({ output_file: output, batch_size_rows: 3 }));
      const result = await runBin(FAULT_DEST, ['--config', config], {
        env: { FAULT_EXPORT_DELAY_MS: '1500' },
        keepStdinOpen: true,
        stages: [
          { send: [singer(USERS_SCHEMA), recordsWithStates(1, 5)] },
          { afterStderr: 'export of batch 1 started', delayMs: 100, kill: 'SIGTERM' },
        ],
      });
      assert.equal(result.code, 143, result.stderr);
      assert.deepEqual(exportedIds(output), [1, 2, 3, 4, 5]);
      assert.equal(result.stdout, states(3, 5));
      assert.ok(
        result.logs.some((l) => /Received SIGTERM: stopping/.test(l.msg)),
        result.stderr,
      );
    } finally {
      dir.remove();
    }
  });

  it('a second SIGTERM exits at once without writing any further state', async () => {
    const dir = tempDir('sigterm2');
    try {
      const output = join(dir.path, 'out.jsonl');
      const config = join(dir.path, 'config.json');
      writeFileSync(config, JSON.stringify({ output_file: output, batch_size_rows: 3 }));
      const started = Date.now();
      const result = await runBin(FAULT_DEST, ['--config', config], {
        // The export would take 60 s: far longer than any start-up on a loaded machine, so exiting well
        // before it finished can only be the second signal's doing.
        env: { FAULT_EXPORT_DELAY_MS: '60000' },
        keepStdinOpen: true,
        stages: [
          { send: [singer(USERS_SCHEMA), recordsWithStates(1, 5)] },
          { afterStderr: 'export of batch 1 started', kill: 'SIGTERM' },
          { afterStderr: 'Received SIGTERM', kill: 'SIGTERM' },
        ],
      });
      assert.equal(result.code, 143, result.stderr);
      assert.ok(
        Date.now() - started < 20_000,
        'exited before the slow export (or the 30 s stop grace period) could end',
      );
      assert.equal(result.stdout, '');
      assert.deepEqual(exportedIds(output), []);
    } finally {
      dir.remove();
    }
  });
});

describe('SIGTERM in the middle of a real load', () => {
  for (const target of TARGETS) {
    it(`${target.name} stops, flushes what it read, writes the covering states and exits 143`, async () => {
      const prepared = await target.prepare('sigterm_real', { batch_size_rows: 500 });
      try {
        const result = await runBin(target.bin, ['--config', prepared.configPath], {
          keepStdinOpen: true,
          stages: [
            { send: [singer(USERS_SCHEMA), recordsWithStates(1, 3000)] },
            { afterStdout: '{"pos":500}\n', kill: 'SIGTERM' },
          ],
        });
        assert.equal(result.code, 143, result.stderr.slice(-2000));
        assert.equal(errorLog(result), undefined);
        const emitted = result.stdout.split('\n').filter((l) => l.length > 0);
        const last = (JSON.parse(emitted.at(-1)!) as { pos: number }).pos;
        const ids = (await prepared.values('users')).map(Number).sort((a, b) => a - b);
        // Every record up to the last state is stored; the run stopped reading (stdin stayed open).
        assert.deepEqual(ids.slice(0, last), range(1, last));
        assert.ok(
          ids.length <= last + 1,
          `records after the last state were stored: ${ids.length} > ${last}`,
        );
      } finally {
        await prepared.cleanup();
      }
    });
  }
});

describe('a closed stdout', () => {
  it('ends the run without a stack trace when the reader of stdout goes away (EPIPE)', async () => {
    const dir = tempDir('epipe');
    try {
      const config = join(dir.path, 'config.json');
      writeFileSync(config, JSON.stringify({ output_path: join(dir.path, 'out'), batch_size_rows: 10 }));
      const child = startBin(DEST_CSV, ['--config', config]);
      child.stdout.destroy(); // the reader is gone before the first STATE
      const result = await driveChild(child, {
        stages: [{ send: [singer(USERS_SCHEMA), recordsWithStates(1, 2000)] }],
      });
      assert.equal(result.timedOut, false);
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(
        result.logs.some((l) => l.level === 40 && /stdout was closed by its reader \(EPIPE\)/.test(l.msg)),
      );
      assert.equal(errorLog(result), undefined);
    } finally {
      dir.remove();
    }
  });
});

/** A 256 KiB tmpfs for output_path, or undefined when this process may not mount (not root). */
function fullDisk(dir: string): { path: string; file: string; release(): void } | undefined {
  const path = join(dir, 'out');
  mkdirSync(path);
  try {
    if (process.env.RELIABILITY_NO_MOUNT === '1') throw new Error('mounting disabled');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', path], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return {
    path,
    file: join(path, 'users.csv'),
    release: () => execFileSync('umount', [path], { stdio: 'ignore' }),
  };
}

describe('a full disk under dest-csv', () => {
  it('fails with the write error, keeps only whole batches in the file, and no state past them', async (t) => {
    const dir = tempDir('full');
    const disk = fullDisk(dir.path);
    if (disk === undefined) {
      dir.remove();
      // dest-csv refuses to write through symlinks, so /dev/full cannot stand in for a full disk.
      return t.skip('mounting a tmpfs needs root');
    }
    try {
      const config = join(dir.path, 'config.json');
      writeFileSync(config, JSON.stringify({ output_path: disk.path, batch_size_rows: 100 }));
      const input = singer(
        USERS_SCHEMA,
        ...range(1, 50).flatMap((b) => [
          ...range(100 * b - 99, 100 * b).map((i) => userRecord(i, { name: `${i}`.padEnd(100, 'x') })),
          stateLine({ pos: 100 * b }),
        ]),
      );
      const result = await runBin(DEST_CSV, ['--config', config], { stages: [{ send: [input] }] });
      assert.equal(result.code, 1, result.stderr);
      const error = errorLog(result)!;
      assert.equal(error.code, 'ERR_EXPORT_FAILED');
      assert.match(error.msg, /ENOSPC/);
      const written = existsSync(disk.file) ? readCsv(disk.file) : [];
      const ids = written.map((r) => Number(r.id));
      assert.deepEqual(ids, range(1, ids.length), 'the file holds whole rows 1..M, nothing half-written');
      assert.equal(ids.length % 100, 0, 'only whole batches stay in the file');
      const emitted = result.stdout.split('\n').filter((l) => l.length > 0);
      const last = emitted.length > 0 ? (JSON.parse(emitted.at(-1)!) as { pos: number }).pos : 0;
      assert.equal(last, ids.length, 'the last state covers exactly the rows in the file');
    } finally {
      disk.release();
      dir.remove();
    }
  });
});

describe('dest-postgres when the server goes away (through a proxy we control)', () => {
  let proxy: TcpProxy;
  before(async () => {
    const server = await testServerModule().getTestServer();
    proxy = new TcpProxy(server.host, server.port);
    await proxy.listen();
  });
  after(() => proxy.close());

  async function prepare(label: string, extra: Record<string, unknown>) {
    const db = await testServerModule().createTestSchema(label);
    const dir = tempDir(label);
    const config = join(dir.path, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        ...db.settings,
        host: '127.0.0.1',
        port: proxy.port,
        add_record_metadata: false,
        ...extra,
      }),
    );
    const ids = async () =>
      (await db.query<{ id: string }>(`SELECT id::text FROM "${db.schema}".users u ORDER BY u.id`)).map((r) =>
        Number(r.id),
      );
    return { db, config, ids, cleanup: async () => (await db.drop(), dir.remove()) };
  }

  it('retries the whole flush on a new connection after a restart between batches', async () => {
    const t = await prepare('pg_restart', { batch_size_rows: 100 });
    try {
      const result = await runBin(DEST_POSTGRES, ['--config', t.config], {
        stages: [
          { send: [singer(USERS_SCHEMA), recordsWithStates(1, 100)] },
          { afterStdout: '{"pos":100}\n', action: () => proxy.cut(), send: [recordsWithStates(101, 200)] },
        ],
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, states(100, 200));
      assert.deepEqual(await t.ids(), range(1, 200));
    } finally {
      await t.cleanup();
    }
  });

  it('rolls back a flush cut in the middle of its COPY and retries it whole: no partial batch, no duplicate', async () => {
    const t = await prepare('pg_mid_copy', { batch_size_rows: 5000 });
    try {
      const result = await runBin(DEST_POSTGRES, ['--config', t.config], {
        stages: [
          { send: [singer(USERS_SCHEMA), recordsWithStates(1, 5000, 40)] },
          {
            afterStdout: '{"pos":5000}\n',
            action: () => proxy.cutAfterBytes(100_000),
            send: [recordsWithStates(5001, 10_000, 40)],
          },
        ],
      });
      assert.equal(result.code, 0, result.stderr);
      assert.ok(
        result.logs.some((l) => /connection lost during batch 2; retrying/.test(l.msg)),
        `the cut hit batch 2: ${result.stderr.slice(0, 2000)}`,
      );
      assert.equal(result.stdout, states(5000, 10_000));
      assert.deepEqual(await t.ids(), range(1, 10_000));
    } finally {
      await t.cleanup();
    }
  });

  it('fails cleanly when the server stays down, and a rerun from the last state completes the table', async () => {
    const t = await prepare('pg_down', { batch_size_rows: 100 });
    try {
      const first = await runBin(DEST_POSTGRES, ['--config', t.config], {
        stages: [
          { send: [singer(USERS_SCHEMA), recordsWithStates(1, 100)] },
          { afterStdout: '{"pos":100}\n', action: () => proxy.refuse(), send: [recordsWithStates(101, 300)] },
        ],
      });
      await proxy.listen(); // the server is back
      assert.equal(first.code, 1, first.stderr);
      const error = errorLog(first)!;
      // The innermost coded error names the cause (dest-postgres's own code inside the SDK's ERR_EXPORT_FAILED).
      assert.equal(error.code, 'ERR_PG_LOAD_FAILED');
      assert.match(
        error.msg,
        /^Export of batch 2 failed \(stream "users", 100 records from stdin lines 202-400\)/,
      );
      assert.equal(first.stdout, states(100));
      assert.deepEqual(await t.ids(), range(1, 100));
      // The tap resumes from the last state it got: {"pos":100}.
      const rerun = await runBin(DEST_POSTGRES, ['--config', t.config], {
        stages: [{ send: [singer(USERS_SCHEMA), recordsWithStates(101, 300)] }],
      });
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.equal(rerun.stdout, states(200, 300));
      assert.deepEqual(await t.ids(), range(1, 300));
    } finally {
      await t.cleanup();
    }
  });
});

describe('a bad line read while a batch is exporting', () => {
  it('lets the export in flight finish before @AfterProcess runs, and writes no state after the bad line', async () => {
    const dir = tempDir('race');
    try {
      const output = join(dir.path, 'out.jsonl');
      const config = join(dir.path, 'config.json');
      writeFileSync(config, JSON.stringify({ output_file: output, batch_size_rows: 3 }));
      const result = await runBin(FAULT_DEST, ['--config', config], {
        env: { FAULT_EXPORT_DELAY_MS: '800' },
        stages: [
          { send: [singer(USERS_SCHEMA), recordsWithStates(1, 3)] },
          {
            afterStderr: 'export of batch 1 started',
            send: ['{"type":"RECORD",\n', recordsWithStates(4, 6)],
          },
        ],
      });
      assert.equal(result.code, 1);
      assert.equal(errorLog(result)!.code, 'ERR_INVALID_JSON');
      const order = result.logs.map((l) => l.msg).filter((m) => m.startsWith('fault-dest:'));
      assert.deepEqual(order, [
        'fault-dest: export of batch 1 started',
        'fault-dest: export of batch 1 finished',
        'fault-dest: after process',
      ]);
      assert.deepEqual(exportedIds(output), [1, 2, 3]);
      assert.ok(result.stdout === '' || result.stdout === states(3), result.stdout);
    } finally {
      dir.remove();
    }
  });
});
