import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDestination } from '@singer-dest/sdk/testing';
import { formatBinVersion } from '@singer-dest/sdk/bin';
import { CsvDestination } from '@singer-dest/dest-csv';
import { PostgresDestination } from '@singer-dest/dest-postgres';
import { DuckDbDestination } from '@singer-dest/dest-duckdb';
import { DEST_CSV, ROOT, runBin } from './support/spawn-bin';

const packageJson = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as {
    version: string;
    bin: Record<string, string>;
  };

describe('the bins answer --version before loading the destination', () => {
  for (const [name, destination] of [
    ['dest-csv', CsvDestination],
    ['dest-postgres', PostgresDestination],
    ['dest-duckdb', DuckDbDestination],
  ] as const) {
    it(`${name}: the fast answer from package.json is the destination's own name and version`, () => {
      const definition = resolveDestination(destination);
      assert.equal(formatBinVersion(packageJson(name)), `${definition.name} ${definition.version}`);
    });
  }

  it('prints the version without loading the SDK run-time or the destination', async () => {
    const { code, stdout, stderr } = await runBin(DEST_CSV, ['--version'], {
      env: { NODE_DEBUG: 'module' },
    });
    assert.equal(code, 0);
    assert.equal(stdout, `dest-csv ${packageJson('dest-csv').version}\n`);
    // NODE_DEBUG=module names every module that is loaded: none of the heavy ones may be among them.
    for (const heavy of ['class-validator', 'ajv', 'pino', 'csv-destination']) {
      assert.doesNotMatch(stderr, new RegExp(`load.*${heavy}`), `${heavy} was loaded for --version`);
    }
  });

  it('any other command line still reaches runCli (--version with another flag takes the full path)', async () => {
    const { code, stdout } = await runBin(DEST_CSV, ['--version', '--log-level', 'warn']);
    assert.equal(code, 0);
    assert.equal(stdout, `dest-csv ${packageJson('dest-csv').version}\n`);
  });
});
