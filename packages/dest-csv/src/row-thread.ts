import type { BatchLines } from './batch-rows';
import type { CsvDialect } from './csv-encoder';
import type { CsvEncoding } from './config';
import type { ExtraReport } from './row-encoder';
import type { ColumnPlan } from './flatten';

/**
 * The messages between dest-csv and its row-writing thread (`row-worker.ts`, driven by `RowWriter`). Everything
 * here survives structured cloning; a batch's lines travel as shared memory, so posting one copies no record.
 */

/** Fixed for the run: given to the thread when it starts. */
export interface RowSettings {
  dialect: CsvDialect;
  encoding: CsvEncoding;
  escapeFormulas: boolean;
  /** With add_record_metadata: the run's start (µs), the base of `_sdc_sequence`, the same on both threads. */
  runStartedAtUs: number | undefined;
}

/** A stream's columns, sent at every SCHEMA before the stream's next batch. */
export interface StreamRequest {
  type: 'stream';
  stream: string;
  plan: ColumnPlan;
}

/** Append the rows of the batch's first `count` records to the open file `fd` (opened with O_APPEND). */
export interface BatchRequest extends BatchLines {
  type: 'batch';
  id: number;
  stream: string;
  fd: number;
  count: number;
}

export type RowRequest = StreamRequest | BatchRequest;

/** The answer to a {@link BatchRequest}. */
export type BatchReply =
  | { id: number; written: number; extras: ExtraReport | undefined }
  | { id: number; error: { message: string; code: string | undefined } };
