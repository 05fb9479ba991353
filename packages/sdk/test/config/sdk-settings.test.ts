import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Destination, ExportBatch } from '../../src/index';
import { runTestDestination, resolveDestination, validateConfig } from '../../src/testing/index';
import { readEnvSettings } from '../../src/cli/index';
import { record, schema } from '../support/messages';

@Destination(100)
class Noop {
  @ExportBatch
  write() {}
}

describe('the batch limits in the config', () => {
  it("override the decorator's limits with Mage's and Meltano's keys", async () => {
    const { settings } = validateConfig(resolveDestination(Noop), {
      maximum_batch_size_mb: 0.0001, // 105 bytes
      batch_size_rows: 10,
      batch_wait_limit_seconds: 7.5,
    });
    assert.equal(settings.maxBatchBytes, 105);
    assert.equal(settings.batchSizeRows, 10);
    assert.equal(settings.batchWaitLimitMs, 7500);

    const line = JSON.stringify(record('users', { id: 1 }));
    assert.equal(Buffer.byteLength(line), 52);
    const messages = [
      schema('users', { id: { type: 'integer' } }),
      ...[1, 2, 3, 4, 5, 6, 7].map((id) => record('users', { id })),
    ];
    const result = await runTestDestination(Noop, { messages, settings });
    // The first 52-byte line fits the first 64-byte block; the second needs the next, 128 bytes: 192 bytes held pass
    // the limit of 105 (the budget counts the memory held, not only the lines), long before the row limit of 10.
    assert.deepEqual(
      result.batches.map((b) => b.records.length),
      [2, 2, 2, 1],
    );
  });
});

describe('validate_records and strict_validation', () => {
  it('are booleans, from the config or an environment variable', () => {
    const definition = resolveDestination(Noop);
    assert.equal(validateConfig(definition, { strict_validation: true }).settings.strictValidation, true);
    assert.equal(validateConfig(definition, { validate_records: false }).settings.validateRecords, false);
    assert.equal(validateConfig(definition, {}).settings.strictValidation, undefined);
    const fromEnv = readEnvSettings(definition, { NOOP_STRICT_VALIDATION: 'true' });
    assert.equal(fromEnv.values.strict_validation, true);
    assert.throws(
      () => validateConfig(definition, { strict_validation: 'yes please' }),
      /strict_validation: strict_validation must be a boolean value/,
    );
  });
});
