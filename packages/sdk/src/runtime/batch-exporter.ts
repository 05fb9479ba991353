import type { Logger } from 'pino';
import type { BatchContext, RunSummary } from '../contexts';
import { HandlerError, describeError } from '../errors';
import { createBatchContext } from './batch-context';
import type { BoundHandlers } from './bind-handlers';
import type { InputPlaces } from './input-places';
import type { StreamBatch } from './stream-batch';

/** What the loop reports after each exported batch (metrics, progress, tests). */
export interface BatchReport {
  stream: string;
  batchNumber: number;
  records: number;
  bytes: number;
  firstLine: number;
  lastLine: number;
  durationMs: number;
}

/** What an export needs besides the batch. */
export interface BatchExporterOptions {
  handlers: BoundHandlers;
  config: unknown;
  logger: Logger;
  inputName: string;
  summary: RunSummary;
  onBatchExported: ((report: BatchReport) => void) | undefined;
  observeBatch: ((context: BatchContext) => void) | undefined;
  /** Names a record's line (and batch file) from its place. */
  places: InputPlaces;
}

/**
 * Hands one flushed batch to `@ExportBatch` and resolves once it returned; a failure becomes an
 * `ERR_EXPORT_FAILED` naming the stream, the batch and its input lines. Counts and reports the exported batch.
 *
 * @example
 * ```ts
 * await exportBatch(batch, options); // throws HandlerError (ERR_EXPORT_FAILED) when the destination throws
 * ```
 */
export async function exportBatch(batch: StreamBatch, options: BatchExporterOptions): Promise<void> {
  // Every record of the batch was refused by its encoder (and skipped or dead-lettered): nothing to store.
  if (batch.lines.length === 0) return;
  const started = performance.now();
  const { stream, schema, keyProperties, streamState } = batch.facts!;
  const { lines, batchNumber, streamBatchNumber } = batch;
  const firstLine = lines[0]!;
  const lastLine = lines[lines.length - 1]!;
  const count = lines.length;
  const context = createBatchContext(batch, {
    config: options.config,
    logger: options.logger,
    stream,
    streamState,
    schema,
    keyProperties,
    batchNumber,
    streamBatchNumber,
    describeLine: (line) => options.places.describe(line),
  });
  try {
    await options.handlers.exportBatch(context);
  } catch (error) {
    throw new HandlerError(
      'ERR_EXPORT_FAILED',
      `Export of batch ${batchNumber} failed (stream "${stream}", ${count} records from ` +
        `${options.inputName} ${options.places.describeRange(firstLine, lastLine)}): ` +
        `${describeError(error).replace(/\.+$/, '')}. No STATE after ` +
        'the records of this batch was written; fix the cause and rerun from the last emitted state.',
      error,
      { stream, line: options.places.lineOf(firstLine) },
      { stream, batchNumber, firstLine, lastLine, records: count },
    );
  }
  options.summary.records[stream] = (options.summary.records[stream] ?? 0) + count;
  options.observeBatch?.(context);
  options.onBatchExported?.({
    stream,
    batchNumber,
    records: count,
    bytes: batch.bytes,
    firstLine,
    lastLine,
    durationMs: performance.now() - started,
  });
}
