import { describe, it } from 'node:test';
import { join } from 'node:path';
import { assertEncoderModuleLight } from '@singer-dest/sdk/testing';
import { CSV_ROWS } from '../src/row-encoding';

describe("the encoder module dest-csv's encode threads load", () => {
  it("loads none of the SDK's run-time (class-validator, ajv, pino) on a thread, only what rows need", () => {
    // The control: the package root, which the main thread loads, does load them (ajv only at the first SCHEMA).
    assertEncoderModuleLight({
      module: CSV_ROWS.module,
      root: join(__dirname, '..', 'src', 'index.js'),
      lazy: ['ajv'],
      needs: ['csv-stringify'],
    });
  });
});
