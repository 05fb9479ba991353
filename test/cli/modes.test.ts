import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStrictAjv } from './support/ajv';
import { DEST_CSV, TEST_DEST, runBin, tempDir, writeJson } from './support/spawn-bin';

function compileSettingsSchema(settings: object) {
  const ajv = createStrictAjv();
  assert.equal(ajv.validateSchema(settings), true, 'a valid draft-07 schema');
  return ajv.compile(settings);
}

describe('the information modes', () => {
  it('--about prints the settings as a JSON Schema that ajv compiles, with types, defaults, required and secrets', async () => {
    const { code, stdout } = await runBin(TEST_DEST, ['--about']);
    assert.equal(code, 0);
    const about = JSON.parse(stdout);
    assert.equal(about.name, 'test-dest');
    assert.equal(about.version, '1.2.3');
    assert.equal(about.description, 'Records exported batches for tests.');
    assert.deepEqual(about.capabilities, ['about']);
    const validate = compileSettingsSchema(about.settings);
    const props = about.settings.properties;
    assert.deepEqual(about.settings.required, ['export_log']);
    assert.deepEqual(props.delay_ms, {
      minimum: 0,
      type: 'integer',
      description: 'Milliseconds each export waits.',
      default: 0,
    });
    assert.deepEqual(props.mode.enum, ['fast', 'safe']);
    assert.equal(props.password.secret, true);
    assert.equal(props.password.writeOnly, true);
    assert.equal(props.password.default, undefined);
    assert.equal(props.maximum_batch_size_mb.default, 100);
    assert.equal(validate({ export_log: 'x', delay_ms: 5 }), true);
    assert.equal(validate({ export_log: 'x', delay_ms: -1 }), false);
    assert.equal(validate({ delay_ms: 5 }), false);
  });

  it('--about --format markdown prints a settings table naming each environment variable', async () => {
    const { code, stdout } = await runBin(TEST_DEST, ['--about', '--format', 'markdown']);
    assert.equal(code, 0);
    assert.match(stdout, /^# `test-dest`\n/);
    assert.match(
      stdout,
      /\| `export_log` \| string \| yes \| {2}\| `TEST_DEST_EXPORT_LOG` \| JSON-lines file recording each exported batch\. \|/,
    );
    assert.match(stdout, /\| `password` \| string \| no \| {2}\| `TEST_DEST_PASSWORD` \| .*\(secret\) \|/);
  });

  it('--show-templates prints a config file that validates against the --about schema as it is', async () => {
    const [about, templates] = await Promise.all([
      runBin(TEST_DEST, ['--about']),
      runBin(TEST_DEST, ['--show-templates']),
    ]);
    assert.equal(templates.code, 0);
    const template = JSON.parse(templates.stdout);
    assert.deepEqual(template, {
      export_log: 'exported.jsonl',
      delay_ms: 0,
      fail_export: false,
      mode: 'fast',
      tags: ['a', 'b'],
      maximum_batch_size_mb: 100,
      validate_records: true,
      strict_validation: false,
      invalid_record_policy: 'fail',
      max_line_bytes: 64 * 1024 * 1024,
    });
    const validate = compileSettingsSchema(JSON.parse(about.stdout).settings);
    assert.equal(validate(template), true, JSON.stringify(validate.errors));
  });

  it("--show_templates (Mage's spelling) wraps the template in a config key, as Mage reads it", async () => {
    const { code, stdout } = await runBin(TEST_DEST, ['--show_templates']);
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).config.export_log, 'exported.jsonl');
  });

  it('--version prints the name and version; --help lists flags, settings and exit codes', async () => {
    const version = await runBin(TEST_DEST, ['--version']);
    assert.deepEqual([version.code, version.stdout], [0, 'test-dest 1.2.3\n']);
    const help = await runBin(TEST_DEST, ['--help']);
    assert.equal(help.code, 0);
    for (const text of [
      '--config FILE',
      '--state-file PATH',
      '--config_json JSON',
      'TEST_DEST_DELAY_MS',
      '143 interrupted',
    ]) {
      assert.ok(help.stdout.includes(text), `--help mentions ${text}`);
    }
  });

  it('the real dest-csv bin answers --about with its own name and a valid settings schema', async () => {
    const { code, stdout } = await runBin(DEST_CSV, ['--about']);
    assert.equal(code, 0);
    const about = JSON.parse(stdout);
    assert.equal(about.name, 'dest-csv');
    compileSettingsSchema(about.settings);
    assert.ok('batch_size_rows' in about.settings.properties);
  });
});

describe('usage errors', () => {
  it('an unknown flag exits 2 and suggests the right spelling', async () => {
    const { code, stderr, stdout } = await runBin(TEST_DEST, ['--test-conection']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(
      stderr,
      /Unknown option --test-conection\. Did you mean --test-connection\? Run with --help/,
    );
    const mage = await runBin(TEST_DEST, ['--input-file-path', 'x']);
    assert.match(mage.stderr, /Did you mean --input_file_path\?/);
  });

  it('a flag without its value, and two modes at once, exit 2 with a message saying so', async () => {
    const missing = await runBin(TEST_DEST, ['--config']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--config needs a value \(FILE\)/);
    const both = await runBin(TEST_DEST, ['--about', '--test-connection']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--about and --test-connection cannot be combined/);
  });

  it('an input file that does not exist exits 2 naming it', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', { export_log: `${dir}/log` });
    const { code, stderr } = await runBin(TEST_DEST, [
      '--config',
      config,
      '--input',
      `${dir}/missing.singer`,
    ]);
    assert.equal(code, 2);
    assert.match(stderr, /Cannot read the input file .*missing\.singer: no such file/);
  });
});
