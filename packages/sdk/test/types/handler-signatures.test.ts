import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  Destination,
  EncodeWith,
  ExportBatch,
  OnSchema,
  TestConnection,
  type BatchContext,
  type EncoderFactsContext,
  type RecordBatchContext,
  type SchemaContext,
} from '../../src/index';

const encoder = { module: join(__dirname, 'encoder.js'), export: 'encoder' };

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
  @EncodeWith(encoder)
  encoderFacts(context: EncoderFactsContext<Config>) {
    return { path: context.config.path };
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
  schema(context: RecordBatchContext) {
    return context.records;
  }
  // @ts-expect-error: @TestConnection returns a sentence (or nothing), not a number
  @TestConnection
  check(): number {
    return 1;
  }
  // @ts-expect-error: @EncodeWith receives the stream's EncoderFactsContext, not a batch
  @EncodeWith(encoder)
  encoderFacts(context: BatchContext) {
    return context.size;
  }
}

describe('handler signatures', () => {
  it('are checked by the compiler (see the @ts-expect-error lines)', () => {
    assert.equal(typeof Correct, 'function');
    assert.equal(typeof Wrong, 'function');
  });
});
