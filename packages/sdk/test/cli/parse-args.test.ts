import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors';
import { parseArgs } from '../../src/cli/parse-args';

function usageError(argv: string[], message: RegExp) {
  assert.throws(
    () => parseArgs(argv),
    (error: unknown) =>
      error instanceof UsageError && error.code === 'ERR_USAGE' && message.test(error.message),
  );
}

describe('parseArgs', () => {
  it('runs by default, reading stdin with no config', () => {
    assert.deepEqual(parseArgs([]), {
      mode: 'run',
      templateShape: 'config',
      mage: false,
      catalog: undefined,
      configFiles: [],
      configJson: undefined,
      settingsFile: undefined,
      input: undefined,
      stateFile: undefined,
      format: 'json',
      logLevel: undefined,
      logFormat: undefined,
      debug: false,
      logToStdout: false,
    });
  });

  it('keeps every --config in the order given, in both --flag value and --flag=value forms', () => {
    assert.deepEqual(parseArgs(['--config', 'a.json', '--config=b.json', '--config', 'c.json']).configFiles, [
      'a.json',
      'b.json',
      'c.json',
    ]);
  });

  it("maps Mage's spellings onto the same options", () => {
    const args = parseArgs([
      '--config_json',
      '{"a":1}',
      '--settings',
      's.yaml',
      '--input_file_path',
      'in.singer',
      '--state',
      'state.json',
      '--debug',
    ]);
    assert.equal(args.configJson, '{"a":1}');
    assert.equal(args.settingsFile, 's.yaml');
    assert.equal(args.input, 'in.singer');
    assert.equal(args.stateFile, 'state.json');
    assert.equal(args.debug, true);
    assert.equal(parseArgs(['--test_connection']).mode, 'test-connection');
    assert.deepEqual(
      [parseArgs(['--show_templates']).mode, parseArgs(['--show_templates']).templateShape],
      ['show-templates', 'mage'],
    );
    assert.equal(parseArgs(['--show-templates']).templateShape, 'config');
  });

  it('treats --log_to_stdout as Mage does: any non-empty value is true, an empty one false', () => {
    assert.equal(parseArgs(['--log_to_stdout', '0']).logToStdout, true);
    assert.equal(parseArgs(['--log_to_stdout', 'False']).logToStdout, true);
    assert.equal(parseArgs(['--log_to_stdout=']).logToStdout, false);
  });

  it('lets --help and --version win over any other mode', () => {
    assert.equal(parseArgs(['--about', '--help']).mode, 'help');
    assert.equal(parseArgs(['--test-connection', '--version']).mode, 'version');
  });

  it('accepts --format only with --about, and only json or markdown', () => {
    assert.equal(parseArgs(['--about', '--format', 'markdown']).format, 'markdown');
    usageError(['--about', '--format', 'yaml'], /^--format must be json or markdown, not "yaml"\.$/);
    usageError(['--format', 'json'], /^--format only applies to --about\.$/);
  });

  it('checks --log-level and --log-format values', () => {
    assert.deepEqual([parseArgs(['--log-level', 'warn', '--log-format', 'json']).logLevel], ['warn']);
    usageError(
      ['--log-level', 'loud'],
      /^--log-level must be one of trace, debug, info, warn, error, fatal, silent/,
    );
    usageError(['--log-format', 'xml'], /^--log-format must be text or json, not "xml"\.$/);
  });

  it('rejects unknown flags, suggesting the other spelling when there is one', () => {
    usageError(['--bogus'], /^Unknown option --bogus\. Run with --help to see the options\.$/);
    usageError(['--state_file', 'x'], /^Unknown option --state_file\. Did you mean --state-file\?/);
    usageError(['--show-templates', '--input-file-path', 'x'], /Did you mean --input_file_path\?/);
    usageError(['--test-conection'], /^Unknown option --test-conection\. Did you mean --test-connection\?/);
    usageError(['--confg', 'a.json'], /Did you mean --config\?/);
  });

  it('rejects a flag without its value, a value given to a switch, and stray arguments', () => {
    usageError(['--config'], /^--config needs a value \(FILE\)\. Example: --config config\.json$/);
    usageError(['--about=yes'], /^--about takes no value\.$/);
    usageError(['config.json'], /^Unexpected argument "config\.json"\./);
  });

  it('rejects two modes at once, and the two spellings of one option with different values', () => {
    usageError(
      ['--about', '--show-templates'],
      /^--about and --show-templates cannot be combined; choose one\.$/,
    );
    usageError(
      ['--input', 'a', '--input_file_path', 'b'],
      /^--input and --input_file_path are the same option/,
    );
    assert.equal(parseArgs(['--state-file', 'a', '--state', 'a']).stateFile, 'a');
    assert.equal(parseArgs(['--test-connection', '--test_connection']).mode, 'test-connection');
  });

  it("switches Mage mode on with any of Mage's own flags, and only then", () => {
    assert.equal(parseArgs(['--config', 'a.json', '--input', 'in', '--state-file', 's']).mage, false);
    for (const argv of [
      ['--config_json', '{}'],
      ['--settings', 'x.yaml'],
      ['--input_file_path', 'in'],
      ['--state', 's'],
      ['--catalog_json', '{}'],
      ['--log_to_stdout', '1'],
      ['--test_connection'],
      ['--show_templates'],
    ]) {
      const args = parseArgs(argv);
      assert.deepEqual([args.mage, args.templateShape], [true, 'mage'], argv.join(' '));
    }
  });

  it('parses --catalog_json as a JSON object and refuses anything else as a usage error', () => {
    assert.deepEqual(parseArgs(['--catalog_json', '{"streams": []}']).catalog, { streams: [] });
    usageError(['--catalog_json', '[1]'], /^--catalog_json must be a JSON object \(a Singer catalog\)\.$/);
    usageError(['--catalog_json', '{'], /is not valid JSON/);
  });
});
