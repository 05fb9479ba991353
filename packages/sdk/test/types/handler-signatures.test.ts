import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CheckRecord,
  Destination,
  ExportBatch,
  OnSchema,
  TestConnection,
  type BatchContext,
  type EncodeContext,
  type SchemaContext,
} from '../../src/index';

// A compile-time test: each `@ts-expect-error` below must be an error, or `tsc -b` (part of `npm test`) fails
// with "Unused '@ts-expect-error' directive". The runtime part only checks the file was compiled and loaded.
class Config {
  path = 'x';
}

@Destination({ config: Config })
class Correct {
  @ExportBatch
  async write(context: BatchContext<Config>): Promise<void> {
    await Promise.resolve(context.config.path);
  }
  @OnSchema
  schema(_context: SchemaContext<Config>) {}
  @TestConnection
  check(): string {
    return 'ok';
  }
  @CheckRecord
  checkRecord(context: EncodeContext<Config>): void {
    if (context.record.id === undefined) throw new Error('no id');
  }
}

@Destination()
class Wrong {
  // @ts-expect-error: an export handler takes one BatchContext, not positional arguments
  @ExportBatch
  write(stream: string, records: unknown[]) {
    return [stream, records];
  }
  // @ts-expect-error: @OnSchema receives a SchemaContext, not a BatchContext
  @OnSchema
  schema(context: BatchContext) {
    return context.records;
  }
  // @ts-expect-error: @TestConnection returns a sentence (or nothing), not a number
  @TestConnection
  check(): number {
    return 1;
  }
  // @ts-expect-error: @CheckRecord receives each record's EncodeContext, not a batch
  @CheckRecord
  checkRecord(context: BatchContext) {
    return context.size;
  }
}

describe('handler signatures', () => {
  it('are checked by the compiler (see the @ts-expect-error lines)', () => {
    assert.equal(typeof Correct, 'function');
    assert.equal(typeof Wrong, 'function');
  });
});
