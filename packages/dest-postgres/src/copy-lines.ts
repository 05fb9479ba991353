/**
 * dest-postgres's encoder module: the SDK's encode stage loads it (on its worker threads, or the main thread
 * with encode_threads 0) and builds each stream's COPY line encoder from plain facts.
 */
import { join } from 'node:path';
import type { Logger } from '@singer-dest/sdk';
import { SdcValues, type EncoderFactory, type EncoderModule } from '@singer-dest/sdk/toolkit';
import type { StreamLayout } from './batch-plan';
import type { EncodeContext } from './record-context';
import { StreamEncoder, type StreamEncoderOptions } from './stream-encoder';
import type { ColumnKind } from './type-mapping';

/** What a stream's COPY lines are made from (structured-cloneable: it crosses to the encode threads). */
export interface CopyLineFacts {
  layout: StreamLayout;
  config: StreamEncoderOptions['config'];
  kinds: [string, ColumnKind][];
  sqlTypes: [string, string][];
  upsert: boolean;
  /** The run's start (µs): the base of `_sdc_sequence`, the same on every thread. */
  runStartedAtUs: number;
}

/**
 * What an encoder tells the export after a part of a batch: the bigint columns that met an integer beyond 64 bits
 * so far (the flush widens them to numeric; the main thread's copy of the encoder keeps them), and whether this
 * part holds a key-only delete (only then does the upsert look for them in the staging table).
 */
export interface CopyLineNotes {
  needsNumeric: string[];
  keyOnlyDeletes: boolean;
}

/**
 * Where `@EncodeWith` finds {@link copyLines}. Its lines never hold `_sdc_batched_at` (the merge sets it from a
 * parameter), so with encode_threads 0 the SDK encodes each record as it is read.
 */
export const COPY_LINES: EncoderModule = {
  module: join(__dirname, 'copy-lines.js'),
  export: 'copyLines',
  usesBatchedAt: false,
};

/** The stream's encoder, as the main thread (columns, the loader) and every encode thread build it. */
export function streamEncoderOf(facts: CopyLineFacts, logger: Pick<Logger, 'warn'>): StreamEncoder {
  return new StreamEncoder(facts.layout, {
    config: facts.config,
    kinds: new Map(facts.kinds),
    sqlTypes: new Map(facts.sqlTypes),
    upsert: facts.upsert,
    metadata: new SdcValues(facts.runStartedAtUs),
    logger,
  });
}

/**
 * Builds a stream's COPY line encoder: each record becomes one line of COPY text; a value its column cannot take
 * throws, which the SDK turns into a refused record by its line. Notes: see {@link CopyLineNotes}.
 *
 * @example
 * ```ts
 * const encoder = copyLines(facts, tools);
 * ```
 */
export const copyLines: EncoderFactory<CopyLineFacts, CopyLineNotes> = (facts, tools) => {
  // pino's warn and the SDK's take the same (fields, message): the encoder logs malformed deletions through it.
  const encoder = streamEncoderOf(facts, { warn: tools.warn } as unknown as Pick<Logger, 'warn'>);
  const context: { -readonly [K in keyof EncodeContext]: EncodeContext[K] } = {
    stream: tools.stream,
    record: {},
    message: undefined!,
    line: 0,
    receivedAt: 0,
  };
  return {
    encode(record, meta) {
      context.record = record;
      context.message = meta.message;
      context.line = meta.line;
      context.receivedAt = meta.receivedAt;
      return encoder.encode(context);
    },
    takeNotes: () => {
      const keyOnlyDeletes = encoder.takeKeyOnlyDeletes();
      return encoder.needsNumeric.size > 0 || keyOnlyDeletes
        ? { needsNumeric: [...encoder.needsNumeric], keyOnlyDeletes }
        : undefined;
    },
  };
};
