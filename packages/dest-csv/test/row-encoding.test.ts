import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CSV_ROWS } from '../src/row-encoding';

/** The packages under node_modules that requiring `module` in a fresh process loads, by name. */
function packagesLoadedBy(module: string): string[] {
  const script =
    `require(${JSON.stringify(module)});` +
    'const names = Object.keys(require.cache).flatMap((f) => f.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1] ?? []);' +
    'process.stdout.write(JSON.stringify([...new Set(names)].sort()));';
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

const RUN_TIME = ['ajv', 'class-transformer', 'class-validator', 'pino', 'reflect-metadata'];

describe("the encoder module dest-csv's encode threads load", () => {
  it("loads none of the SDK's run-time (class-validator, ajv, pino) on a thread, only what rows need", () => {
    const loaded = packagesLoadedBy(CSV_ROWS.module);
    assert.deepEqual(
      loaded.filter((name) => RUN_TIME.includes(name)),
      [],
      loaded.join(', '),
    );
    assert.ok(loaded.includes('csv-stringify'), loaded.join(', '));
    // The control: the package root, which the main thread loads, does load them (ajv only at the first SCHEMA).
    const root = packagesLoadedBy(join(__dirname, '..', 'src', 'index.js'));
    assert.deepEqual(
      RUN_TIME.filter((name) => name !== 'ajv' && !root.includes(name)),
      [],
      root.join(', '),
    );
  });
});
