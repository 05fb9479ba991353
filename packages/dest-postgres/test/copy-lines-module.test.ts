import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertEncoderModuleLight } from '@singer-dest/sdk/testing';
import { COPY_LINES } from '../src/copy-lines';

describe("the encoder module dest-postgres's encode threads load", () => {
  it("loads none of the SDK's run-time nor pg (it imports @singer-dest/sdk/toolkit), only what COPY lines need", () => {
    // The control: the package root, which the main thread loads, does load them (ajv and pg only when used).
    assertEncoderModuleLight({
      module: COPY_LINES.module,
      root: join(__dirname, '..', 'src', 'index.js'),
      alsoHeavy: ['pg'],
      lazy: ['ajv', 'pg'],
    });
  });
});
