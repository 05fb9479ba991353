import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TEST_DEST,
  collect,
  lines,
  msg,
  readJsonLines,
  singer,
  startBin,
  tempDir,
  waitFor,
  writeJson,
} from './support/spawn-bin';

function records(from: number, to: number): string[] {
  const out: string[] = [];
  for (let id = from; id <= to; id++) out.push(msg.record('users', id));
  return out;
}

describe('signals', () => {
  it('SIGTERM mid-run: stops reading, exports what was buffered, writes exactly the states that became safe, exits 143', async () => {
    const dir = tempDir();
    const log = join(dir, 'exported.jsonl');
    const statePath = join(dir, 'state.json');
    const config = writeJson(dir, 'c.json', { export_log: log, delay_ms: 300, batch_size_rows: 5 });
    const child = startBin(TEST_DEST, ['--config', config, '--state-file', statePath, '--debug']);
    const result = collect(child);
    // Two full batches, then records 11-12 and a state that only the flush on SIGTERM can make safe.
    child.stdin.write(
      singer(
        msg.schema('users'),
        ...records(1, 5),
        msg.state({ through: 5 }),
        ...records(6, 10),
        msg.state({ through: 10 }),
        ...records(11, 12),
        msg.state({ through: 12 }),
        msg.schema('orders'),
      ),
    );
    // The new stream's SCHEMA (line 17) is handled after the exports in flight: batches 1 and 2 are done, records
    // 11-12 buffered, the state after them waiting. stdin stays open: only the signal ends the run.
    await waitFor(() => result.stderr().includes('schema of orders at line 17'), 'line 17 to be handled');
    assert.equal(readJsonLines(log).length, 2);
    child.kill('SIGTERM');
    const { code, stdout, stderr } = await result;
    assert.equal(code, 143);
    const exported = readJsonLines(log);
    assert.deepEqual(exported, [
      { stream: 'users', ids: [1, 2, 3, 4, 5], firstLine: 2, lastLine: 6 },
      { stream: 'users', ids: [6, 7, 8, 9, 10], firstLine: 8, lastLine: 12 },
      { stream: 'users', ids: [11, 12], firstLine: 14, lastLine: 15 },
      { afterProcess: true, failed: false },
    ]);
    assert.deepEqual(lines(stdout), ['{"through":5}', '{"through":10}', '{"through":12}']);
    assert.equal(readFileSync(statePath, 'utf8'), '{"through":12}\n');
    assert.match(stderr, /Received SIGTERM: stopping after the buffered records are exported/);
    assert.match(stderr, /\(stopped by a signal\)/);
  });

  it('a second signal exits at once: the export in flight never finishes and no further state is written', async () => {
    const dir = tempDir();
    const log = join(dir, 'exported.jsonl');
    const statePath = join(dir, 'state.json');
    const config = writeJson(dir, 'c.json', { export_log: log, delay_ms: 5000, batch_size_rows: 1 });
    const child = startBin(TEST_DEST, ['--config', config, '--state-file', statePath, '--debug']);
    const result = collect(child);
    child.stdin.write(singer(msg.schema('users'), msg.record('users', 1), msg.state({ through: 1 })));
    // The export logs at debug level when it starts; it then takes 5 s.
    await waitFor(() => result.stderr().includes('export of batch 1 started'), 'the export to start');
    child.kill('SIGINT');
    await waitFor(() => result.stderr().includes('Received SIGINT'), 'the first signal to be handled');
    child.kill('SIGINT');
    const { code, stdout } = await result;
    assert.equal(code, 130);
    assert.equal(stdout, '');
    assert.deepEqual(readJsonLines(log), [], 'neither the export nor the after-process hook ran');
    assert.throws(() => readFileSync(statePath), { code: 'ENOENT' });
  });

  it('SIGINT while stdin is idle exports the buffered record, writes its state, runs after-process, exits 130', async () => {
    const dir = tempDir();
    const log = join(dir, 'exported.jsonl');
    const config = writeJson(dir, 'c.json', { export_log: log });
    const child = startBin(TEST_DEST, ['--config', config, '--debug']);
    const result = collect(child);
    child.stdin.write(
      singer(msg.schema('users'), msg.record('users', 1), msg.state({ through: 1 }), msg.schema('orders')),
    );
    // The SCHEMA on line 4 is logged once read: record 1 is then buffered and its state waiting.
    await waitFor(() => result.stderr().includes('schema of orders at line 4'), 'line 4 to be read');
    assert.equal(result.stdout(), '');
    child.kill('SIGINT');
    const { code, stdout } = await result;
    assert.equal(code, 130);
    assert.equal(stdout, '{"through":1}\n');
    assert.deepEqual(readJsonLines(log), [
      { stream: 'users', ids: [1], firstLine: 2, lastLine: 2 },
      { afterProcess: true, failed: false },
    ]);
  });
});

describe('a closed stdout', () => {
  it('`| head -1` ends the run cleanly: exit 0, a warning, no stack trace', () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', { export_log: join(dir, 'exported.jsonl'), batch_size_rows: 1 });
    const input = join(dir, 'in.singer');
    const messages = [msg.schema('users')];
    for (let id = 1; id <= 3000; id++) messages.push(msg.record('users', id), msg.state({ through: id }));
    writeFileSync(input, singer(...messages));
    const errPath = join(dir, 'stderr.txt');
    const script = `set -o pipefail; "${process.execPath}" "${TEST_DEST}" --config "${config}" --input "${input}" 2>"${errPath}" | head -1`;
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '{"through":1}\n');
    const stderr = readFileSync(errPath, 'utf8');
    assert.match(stderr, /stdout was closed by its reader \(EPIPE\)/);
    assert.ok(!stderr.includes('    at '), 'no stack trace');
    assert.ok(!/"level":(50|60)/.test(stderr), 'no error logged');
  });
});

describe('on a terminal', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it(
    'shows a live progress line on stderr (how far, records/s, per stream, batches, bytes) and readable logs',
    { skip: !hasScript && 'no `script` command' },
    () => {
      const dir = tempDir();
      const config = writeJson(dir, 'c.json', {
        export_log: join(dir, 'exported.jsonl'),
        delay_ms: 400,
        batch_size_rows: 100,
      });
      const input = join(dir, 'in.singer');
      writeFileSync(input, singer(msg.schema('users'), ...records(1, 500), msg.state({ through: 500 })));
      // `script` gives the bin a pseudo-terminal; stdout goes to a file so only stderr reaches the terminal.
      const command = `"${process.execPath}" "${TEST_DEST}" --config "${config}" --input "${input}" > "${join(dir, 'out')}"`;
      const run = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
      assert.equal(run.status, 0);
      assert.match(
        run.stdout,
        new RegExp(
          // --input names a file, so its size is known: the line starts with how far the reading is.
          String.raw`\r\u001b\[K\d+% read(, [\d a-z]+ left)? \| \d+ records\/s \| \d+ records \(users \d+\) \| \d+ batches \| \d+\.\d MiB read, not yet exported`,
        ),
      );
      assert.match(run.stdout, /INFO.*: .*Loaded 500 records \(users 500\) in 5 batches; 1 state emitted/);
      assert.equal(readFileSync(join(dir, 'out'), 'utf8'), '{"through":500}\n');
    },
  );
});
