/**
 * The encode stage's contract: what a destination's encoder module exports, and what its encoders receive. The
 * module may be loaded on worker threads, so it must stand alone: it builds each stream's encoder from plain
 * data (the facts `@EncodeWith` returned), never from the destination instance.
 */
import type { RecordMessage, SingerRecord } from './contexts';

/**
 * Where a destination's encoder is: an absolute module path (what `require` can load on any thread, e.g.
 * `join(__dirname, 'row-encoder.js')`) and the name of the {@link EncoderFactory} it exports.
 */
export interface EncoderModule {
  readonly module: string;
  readonly export: string;
  /**
   * Whether the encoders read `EncodeMeta.batchedAt` (default true). With false and `encode_threads: 0`, the SDK
   * encodes each record as it is read, from the record it already parsed to validate it, instead of parsing
   * every line a second time when its batch is sealed (the batch's seal time is not known yet then, so
   * `batchedAt` is NaN for such an encoder).
   */
  readonly usesBatchedAt?: boolean;
}

/**
 * What an encoder is told about each record besides its values (one object reused for every record: read it
 * during the call, do not keep it). Its fields are the ones `SdcValues` makes the `_sdc_*` values from.
 */
export interface EncodeMeta {
  /** The RECORD message (for `version` and `time_extracted`); `message.record` is the record. */
  readonly message: RecordMessage;
  /**
   * The record's place in the input order: its 1-based input line for a RECORD line; for a record of a BATCH
   * message's file, a place right after the BATCH line (see `BatchContext.lineNumbers`).
   */
  readonly line: number;
  /** When the record was read, epoch ms. */
  readonly receivedAt: number;
  /** When the record's batch was sealed and handed to the export, epoch ms (`BatchContext.batchedAt`). */
  readonly batchedAt: number;
}

/** Turns one record into the destination's text (a CSV row, a COPY line), terminated. */
export type EncodeFunction = (record: SingerRecord, meta: EncodeMeta) => string;

/**
 * One stream's encoder. `encode` must be pure except for what it notes: throwing rejects the record (by its
 * line, under `invalid_record_policy`, code ERR_RECORD_REJECTED); `takeNotes` hands over what it noted while
 * encoding (a column that must widen, properties left out), taken after each part of a batch and given to
 * `@ExportBatch` as `notes`. Notes cross threads, so they must survive structured cloning (plain data).
 */
export interface RecordEncoder<N = unknown> {
  encode: EncodeFunction;
  takeNotes?(): N | undefined;
}

/** What an encoder factory can use besides its facts. */
export interface EncoderTools {
  /** The stream the encoder is for. */
  readonly stream: string;
  /**
   * Logs a warning through the run's logger (from a worker thread, once the part of the batch it came from is
   * back on the main thread). Never log record values.
   */
  readonly warn: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * What the encoder module exports: builds a stream's encoder from the facts `@EncodeWith` returned for it (a
 * structured clone of them on a worker thread). Called once per stream schema, per thread.
 *
 * @example
 * ```ts
 * export const rowEncoder: EncoderFactory<{ columns: string[] }> = ({ columns }) => (record) =>
 *   columns.map((c) => String(record[c] ?? '')).join(',') + '\n';
 * ```
 */
export type EncoderFactory<F = any, N = unknown> = (
  facts: F,
  tools: EncoderTools,
) => RecordEncoder<N> | EncodeFunction;
