import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packagesLoadedBy } from '@singer-dest/sdk/testing';
import { COPY_LINES } from '../src/copy-lines';

const RUN_TIME = ['ajv', 'class-transformer', 'class-validator', 'pg', 'pino', 'reflect-metadata'];

describe("the encoder module dest-postgres's encode threads load", () => {
  it("loads none of the SDK's run-time nor pg (it imports @singer-dest/sdk/toolkit), only what COPY lines need", () => {
    const loaded = packagesLoadedBy(COPY_LINES.module);
    assert.deepEqual(
      loaded.filter((name) => RUN_TIME.includes(name)),
      [],
      loaded.join(', '),
    );
    // The control: the package root, which the main thread loads, does load them (ajv and pg only when used).
    const root = packagesLoadedBy(join(__dirname, '..', 'src', 'index.js'));
    assert.deepEqual(
      RUN_TIME.filter((name) => name !== 'ajv' && name !== 'pg' && !root.includes(name)),
      [],
      root.join(', '),
    );
  });
});
