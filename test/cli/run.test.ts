import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TEST_DEST,
  lines,
  msg,
  readJsonLines,
  runBin,
  singer,
  tempDir,
  writeJson,
} from './support/spawn-bin';

const input = singer(
  msg.schema('users'),
  msg.record('users', 1),
  msg.record('users', 2),
  msg.state({ users: 2 }),
  msg.schema('orders'),
  msg.record('orders', 10),
  msg.state({ users: 2, orders: 10 }),
);

function setup(extra: object = {}) {
  const dir = tempDir();
  const log = join(dir, 'exported.jsonl');
  return { dir, log, config: writeJson(dir, 'config.json', { export_log: log, ...extra }) };
}

describe('loading data', () => {
  it('reads stdin, writes only STATE lines to stdout, and logs metrics and a summary line on stderr', async () => {
    const { config, log } = setup({ batch_size_rows: 2 });
    const { code, stdout, stderr } = await runBin(TEST_DEST, ['--config', config], { input });
    assert.equal(code, 0);
    assert.deepEqual(lines(stdout), ['{"users":2}', '{"users":2,"orders":10}']);
    assert.deepEqual(readJsonLines(log), [
      { stream: 'users', ids: [1, 2], firstLine: 2, lastLine: 3 },
      { stream: 'orders', ids: [10], firstLine: 6, lastLine: 6 },
      { afterProcess: true, failed: false },
    ]);
    const logs = lines(stderr).map((l) => JSON.parse(l));
    const metrics = logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('METRIC: '));
    const parsed = metrics.map((l) => JSON.parse(l.msg.slice('METRIC: '.length)));
    assert.deepEqual(
      parsed.filter((m) => m.type === 'counter'),
      [
        { type: 'counter', metric: 'record_count', value: 2, tags: { stream: 'users' } },
        { type: 'counter', metric: 'record_count', value: 1, tags: { stream: 'orders' } },
      ],
    );
    assert.deepEqual(
      parsed
        .filter((m) => m.type === 'timer')
        .map((m) => [m.metric, m.tags.stream, m.tags.batch, typeof m.value]),
      [
        ['batch_processing_time', 'users', 1, 'number'],
        ['batch_processing_time', 'orders', 2, 'number'],
      ],
    );
    assert.match(
      logs.at(-1).msg,
      /^Loaded 3 records \(users 2, orders 1\) in 2 batches; 2 states emitted; \d+\.\d s$/,
    );
  });

  it('reads --input (and the Mage spelling --input_file_path) instead of stdin', async () => {
    const { config, dir } = setup();
    const file = join(dir, 'in.singer');
    writeFileSync(file, input);
    for (const flag of ['--input', '--input_file_path']) {
      const { code, stdout } = await runBin(TEST_DEST, ['--config', config, flag, file], {
        input: 'not json\n',
      });
      assert.equal(code, 0);
      assert.equal(stdout, '{"users":2}\n{"users":2,"orders":10}\n');
    }
  });

  it('--state-file (and --state) holds the last emitted state, written by rename with no temporary file left', async () => {
    for (const flag of ['--state-file', '--state']) {
      const { config, dir } = setup({ batch_size_rows: 1 });
      const path = join(dir, 'state.json');
      const { code, stdout } = await runBin(TEST_DEST, ['--config', config, flag, path], { input });
      assert.equal(code, 0);
      // Mage's --state puts the run in Mage mode: STATE goes to the file only, as Mage's own destinations do.
      assert.equal(lines(stdout).at(-1), flag === '--state' ? undefined : '{"users":2,"orders":10}');
      assert.equal(readFileSync(path, 'utf8'), '{"users":2,"orders":10}\n');
      assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'exported.jsonl', 'state.json']);
    }
  });

  it('a state file in a directory that does not exist is a usage error before any record is exported', async () => {
    const { config, log } = setup();
    const { code, stderr } = await runBin(
      TEST_DEST,
      ['--config', config, '--state-file', '/nonexistent/dir/state.json'],
      {
        input,
      },
    );
    assert.equal(code, 2);
    assert.match(
      stderr,
      /Cannot write the state file \/nonexistent\/dir\/state\.json: its directory does not exist/,
    );
    assert.deepEqual(readJsonLines(log), []);
  });

  it('--log-format text writes readable lines; --log-level warn hides info lines', async () => {
    const { config } = setup();
    const text = await runBin(TEST_DEST, ['--config', config, '--log-format', 'text'], { input });
    assert.match(text.stderr, /INFO: Loaded 3 records/);
    assert.throws(() => JSON.parse(lines(text.stderr)[0]!));
    const quiet = await runBin(TEST_DEST, ['--config', config, '--log-level', 'warn'], { input });
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, '');
  });

  it('--log_to_stdout with a value keeps stdout for STATE lines and logs JSON on stderr', async () => {
    const { config } = setup();
    const { code, stdout, stderr } = await runBin(
      TEST_DEST,
      ['--config', config, '--log_to_stdout', '1', '--log-format', 'json'],
      { input },
    );
    assert.equal(code, 0);
    assert.equal(stdout, '{"users":2}\n{"users":2,"orders":10}\n');
    assert.ok(lines(stderr).every((l) => typeof JSON.parse(l).msg === 'string'));
  });

  it('bad input exits 1 with the line, keeps the states before it, and runs the after-process hook', async () => {
    const { config, log } = setup({ batch_size_rows: 1 });
    const bad = singer(
      msg.schema('users'),
      msg.record('users', 1),
      msg.state({ users: 1 }),
      '{"type":"RECORD",',
    );
    const { code, stdout, stderr } = await runBin(TEST_DEST, ['--config', config], { input: bad });
    assert.equal(code, 1);
    assert.equal(stdout, '{"users":1}\n');
    const error = lines(stderr)
      .map((l) => JSON.parse(l))
      .find((l) => l.level === 50);
    assert.equal(error.code, 'ERR_INVALID_JSON');
    assert.match(error.msg, /^stdin line 4: not valid JSON/);
    assert.deepEqual(readJsonLines(log).at(-1), { afterProcess: true, failed: true });
    assert.ok(!stderr.includes('    at '), 'a known error prints no stack');
  });
});

describe('--test-connection', () => {
  it('runs the hooks and prints one line saying what was checked, exit 0', async () => {
    const { config, log } = setup();
    for (const flag of ['--test-connection', '--test_connection']) {
      const { code, stdout } = await runBin(TEST_DEST, ['--config', config, flag]);
      assert.equal(code, 0);
      assert.equal(stdout, `test-dest: export log ${log} is writable\n`);
    }
    assert.deepEqual(readJsonLines(log), [
      { afterProcess: true, failed: false },
      { afterProcess: true, failed: false },
    ]);
  });
});
