import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { packagesLoadedBy } from '@singer-dest/sdk/testing';
import { CSV_ROWS } from '../src/row-encoding';

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
