/** Help that teaches, through the real bins: examples from each README end --help; near-miss settings are named. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEST_CSV, ROOT, TEST_DEST, lines, runBin, tempDir, writeJson } from './support/spawn-bin';

const DEST_POSTGRES = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');
const DEST_DUCKDB = join(ROOT, 'packages', 'dest-duckdb', 'bin', 'dest-duckdb.js');

function examplesOf(help: string): string[] {
  const at = help.lastIndexOf('\nExamples:\n');
  assert.ok(at > 0, 'no Examples section');
  const section = help.slice(at + '\nExamples:\n'.length);
  assert.ok(section.endsWith('\n'), 'the examples are the last thing --help prints');
  return section
    .trimEnd()
    .split('\n')
    .map((line) => {
      assert.match(line, /^ {2}\S/);
      return line.slice(2);
    });
}

function warningsOf(stderr: string): string[] {
  return lines(stderr)
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((l) => l.level === 40)
    .map((l) => l.msg);
}

describe('--help', () => {
  for (const [name, bin] of [
    ['dest-csv', DEST_CSV],
    ['dest-postgres', DEST_POSTGRES],
    ['dest-duckdb', DEST_DUCKDB],
  ] as const) {
    it(`${name} ends with two or three example command lines, each one a line of its README`, async () => {
      const { code, stdout } = await runBin(bin, ['--help']);
      assert.equal(code, 0);
      const examples = examplesOf(stdout);
      assert.ok(examples.length >= 2 && examples.length <= 3, examples.join('\n'));
      const readme = readFileSync(join(ROOT, 'packages', name, 'README.md'), 'utf8').split('\n');
      for (const example of examples) assert.ok(readme.includes(example), `${name} README lacks: ${example}`);
      assert.ok(examples.some((e) => e.includes(name)));
    });
  }

  it('has no Examples section for a destination that declares none', async () => {
    const { stdout } = await runBin(TEST_DEST, ['--help']);
    assert.doesNotMatch(stdout, /Examples:/);
    assert.match(stdout, /Exit codes: .*\n$/);
  });
});

describe('unknown settings', () => {
  it('a mistyped config key is ignored with a warning naming its file and the setting it most likely meant', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', { output_path: join(dir, 'out'), delimeter: ';', colour: 'red' });
    const { code, stderr } = await runBin(DEST_CSV, ['--test-connection', '--config', config]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(warningsOf(stderr), [
      `Ignoring unknown config keys: delimeter (${config}; did you mean delimiter?), colour (${config}). ` +
        'Check their spelling; run with --about to list the settings.',
    ]);
  });

  it('so is an environment variable with the destination prefix one or two letters off a setting', async () => {
    const dir = tempDir();
    const { code, stderr } = await runBin(DEST_CSV, ['--test-connection'], {
      env: {
        DEST_CSV_OUTPUT_PATH: join(dir, 'out'),
        DEST_CSV_DELIMETER: ';',
        DEST_CSV_BATCH_SIZE_ROW: '10',
        DEST_CSV_SOMETHING_ELSE: 'not ours to judge',
      },
    });
    assert.equal(code, 0, stderr);
    assert.deepEqual(warningsOf(stderr), [
      'Ignoring environment variable DEST_CSV_BATCH_SIZE_ROW: dest-csv has no setting "batch_size_row". ' +
        'Did you mean DEST_CSV_BATCH_SIZE_ROWS?',
      'Ignoring environment variable DEST_CSV_DELIMETER: dest-csv has no setting "delimeter". ' +
        'Did you mean DEST_CSV_DELIMITER?',
    ]);
  });
});
