import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEST_CSV,
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
);

describe('config sources', () => {
  it('merges --config files in order: a key in the later file wins, the others stay', async () => {
    const dir = tempDir();
    const first = writeJson(dir, 'a.json', { export_log: join(dir, 'first.jsonl'), batch_size_rows: 1 });
    const second = writeJson(dir, 'b.json', { export_log: join(dir, 'second.jsonl') });
    const { code, stdout } = await runBin(TEST_DEST, ['--config', first, '--config', second], { input });
    assert.equal(code, 0);
    assert.deepEqual(readJsonLines(join(dir, 'first.jsonl')), []);
    // batch_size_rows 1 from the first file still applies: one batch per record.
    assert.deepEqual(
      readJsonLines(join(dir, 'second.jsonl'))
        .filter((l) => l.ids)
        .map((l) => l.ids),
      [[1], [2]],
    );
    assert.equal(stdout, '{"users":2}\n');
  });

  it('reads <NAME>_<SETTING> environment variables, converted to the setting type, over the files', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', { export_log: join(dir, 'file.jsonl'), batch_size_rows: 50 });
    const { code } = await runBin(TEST_DEST, ['--config', config], {
      input,
      env: {
        TEST_DEST_EXPORT_LOG: join(dir, 'env.jsonl'),
        TEST_DEST_BATCH_SIZE_ROWS: '1',
        TEST_DEST_FAIL_EXPORT: 'false',
      },
    });
    assert.equal(code, 0);
    assert.deepEqual(readJsonLines(join(dir, 'file.jsonl')), []);
    assert.equal(readJsonLines(join(dir, 'env.jsonl')).filter((l) => l.ids).length, 2);
  });

  it('runs from the environment alone, with no config file', async () => {
    const dir = tempDir();
    const { code, stdout } = await runBin(TEST_DEST, [], {
      input,
      env: { TEST_DEST_EXPORT_LOG: join(dir, 'env.jsonl') },
    });
    assert.equal(code, 0);
    assert.equal(stdout, '{"users":2}\n');
  });

  it("reads Mage's --settings YAML (config key) alone, and not at all next to --config_json, which Mage renders from it", async () => {
    const dir = tempDir();
    const settings = join(dir, 'settings.yaml');
    writeFileSync(settings, `config:\n  export_log: ${join(dir, 'yaml.jsonl')}\n  batch_size_rows: 1\n`);
    const alone = await runBin(TEST_DEST, ['--settings', settings], { input });
    assert.equal(alone.code, 0, alone.stderr);
    assert.equal(readJsonLines(join(dir, 'yaml.jsonl')).filter((l) => l.ids).length, 2);
    // What Mage passes: the raw file still holds Jinja, which is not YAML; it must not be parsed.
    writeFileSync(
      settings,
      "config:\n  export_log: {{ env_var('LOG') }}\n  password: {{ mage_secret_var('pw') }}: x\n",
    );
    const json = JSON.stringify({ export_log: join(dir, 'json.jsonl') });
    const { code, stderr } = await runBin(TEST_DEST, ['--settings', settings, '--config_json', json], {
      input,
    });
    assert.equal(code, 0, stderr);
    // One batch of both records: batch_size_rows from the file did not apply.
    assert.deepEqual(
      readJsonLines(join(dir, 'json.jsonl'))
        .filter((l) => l.ids)
        .map((l) => l.ids),
      [[1, 2]],
    );
  });

  it('warns about unknown keys by name and still runs', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', { export_log: join(dir, 'log.jsonl'), exprot_log: 'typo' });
    const { code, stderr } = await runBin(TEST_DEST, ['--config', config], { input });
    assert.equal(code, 0);
    const warning = lines(stderr)
      .map((l) => JSON.parse(l))
      .find((l) => l.level === 40);
    assert.match(
      warning.msg,
      /^Ignoring unknown config keys: exprot_log \(.*c\.json; did you mean export_log\?\)\. /,
    );
  });
});

describe('invalid config', () => {
  it('reports every invalid field at once with its path, rule and source, and exits 2 before reading input', async () => {
    const dir = tempDir();
    const a = writeJson(dir, 'a.json', { delay_ms: -5, mode: 'slow' });
    const b = writeJson(dir, 'b.json', { tags: ['ok', 3] });
    const { code, stderr, stdout } = await runBin(TEST_DEST, ['--config', a, '--config', b], {
      input,
      env: { TEST_DEST_MAX_LINE_BYTES: 'lots' },
    });
    assert.equal(code, 2);
    assert.equal(stdout, '');
    const error = JSON.parse(lines(stderr)[0]!);
    assert.equal(error.code, 'ERR_INVALID_CONFIG');
    const message: string = error.msg;
    assert.match(message, /^Invalid config in .*a\.json, .*b\.json, environment for TestDestination:\n/);
    for (const expected of [
      /- max_line_bytes: max_line_bytes must be an integer number \(isInt\) \[env TEST_DEST_MAX_LINE_BYTES\]/,
      /- export_log: export_log must be a string \(isString\) \[not set\]/,
      /- delay_ms: delay_ms must not be less than 0 \(min\) \[.*a\.json\]/,
      /- mode: mode must be one of the following values: fast, safe \(isIn\) \[.*a\.json\]/,
      /- tags: each value in tags must be a string \(isString\) \[.*b\.json\]/,
    ]) {
      assert.match(message, expected);
    }
  });

  it('a config file that is not JSON exits 2 with its line and column, and never quotes its text', async () => {
    const dir = tempDir();
    const path = join(dir, 'broken.json');
    writeFileSync(
      path,
      '{\n  "export_log": "x",\n  "password": "s3cr3t-in-broken-file"\n  "mode": "fast"\n}',
    );
    const { code, stderr } = await runBin(TEST_DEST, ['--config', path]);
    assert.equal(code, 2);
    assert.match(stderr, /Config file .*broken\.json is not valid JSON at line 4, column 3/);
    assert.ok(!stderr.includes('s3cr3t-in-broken-file'));
  });

  it('a config file that does not exist exits 2 naming it', async () => {
    const { code, stderr } = await runBin(TEST_DEST, ['--config', '/nonexistent/config.json']);
    assert.equal(code, 2);
    assert.match(stderr, /Cannot read config file \/nonexistent\/config\.json: no such file\./);
  });

  it('the real dest-csv bin reads DEST_CSV_ variables and names the variable of a bad value', async () => {
    const { code, stderr } = await runBin(DEST_CSV, [], { input, env: { DEST_CSV_BATCH_SIZE_ROWS: 'ten' } });
    assert.equal(code, 2);
    assert.match(stderr, /batch_size_rows: .*\(isInt\) \[env DEST_CSV_BATCH_SIZE_ROWS\]/);
  });
});
