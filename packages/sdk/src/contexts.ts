/**
 * What handlers receive. Each handler gets one context object, so fields can be added later without breaking
 * authors. `C` is the destination's config class.
 */
import type { Logger } from 'pino';

export type { Logger };

/** A JSON Schema object as a SCHEMA message carries it. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema | JsonSchema[];
  format?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  required?: string[];
  [keyword: string]: unknown;
}

/**
 * A record's values. Numbers that a JavaScript number cannot hold exactly (integers beyond 2^53, decimals with
 * more digits than a double keeps, exponents out of range) arrive as {@link ExactNumber}; everything else is what
 * `JSON.parse` gives.
 */
export type SingerRecord = Record<string, unknown>;

/** A RECORD message as read, with its optional Singer fields. */
export interface RecordMessage {
  type: string;
  stream: string;
  record: SingerRecord;
  /** The table version (ACTIVATE_VERSION protocol), when the tap sends one. */
  version?: number;
  /** When the tap extracted the record (RFC 3339), when the tap says. */
  time_extracted?: string;
}

/** Fields every context has. */
export interface HandlerContext<C = any> {
  /** The validated config, an instance of the destination's config class. */
  readonly config: C;
  /** A structured logger writing to stderr. Never log record contents. */
  readonly logger: Logger;
}

/**
 * What `@OnSchema` receives, for every SCHEMA message: after the stream's buffered records were exported when the
 * schema changed; an identical repeated SCHEMA (`changed: false`) leaves them buffered.
 *
 * What `@OnSchema` returns is the stream's state (`S`: an encoder, a table handle, a file): the SDK keeps it with
 * the stream and hands it to `@EncodeWith`, `@ExportBatch` and `@OnActivateVersion` as `streamState`. Each batch keeps the state its records were read under, so a later SCHEMA cannot swap it under a
 * buffered batch: when `@OnSchema` returns a different state, the stream's buffered records are flushed first
 * (with the state they were read under). Return `state` unchanged to keep it (and the batch).
 */
export interface SchemaContext<C = any, S = any> extends HandlerContext<C> {
  readonly stream: string;
  readonly schema: JsonSchema;
  readonly keyProperties: readonly string[];
  readonly bookmarkProperties: readonly string[];
  /** 1-based input line of the SCHEMA message. */
  readonly line: number;
  /** The stream's previous schema in this run, when the stream had one. */
  readonly previous: { schema: JsonSchema; keyProperties: readonly string[] } | undefined;
  /** False when this SCHEMA repeats the stream's current schema and keys exactly (taps resend them). */
  readonly changed: boolean;
  /** What `@OnSchema` returned for the stream's previous SCHEMA; undefined on its first. */
  readonly state: S | undefined;
}

/** What every batch context has, whether it holds the records or their encoded text. */
interface BatchContextBase<C, S> extends HandlerContext<C> {
  readonly stream: string;
  /** The stream state (what `@OnSchema` returned) the batch's records were read under. */
  readonly streamState: S;
  /** How many records the batch holds. */
  readonly size: number;
  /**
   * Each record's place in the input order, same order: its input line for a RECORD line. Records of a BATCH
   * message's files take the places right after the BATCH line (so the lines after it count on from them). Order
   * by it (`_sdc_sequence`, the later record wins); errors the SDK raises name the file and line themselves.
   */
  readonly lineNumbers: readonly number[];
  /** When each record was read, as epoch milliseconds, same order. */
  readonly receivedAt: readonly number[];
  readonly schema: JsonSchema;
  readonly keyProperties: readonly string[];
  /** 1-based number of this batch in the run, over all streams. */
  readonly batchNumber: number;
  /** 1-based number of this batch within its stream. */
  readonly streamBatchNumber: number;
  /**
   * Where the record at a place of {@link BatchContext.lineNumbers} was read, for a message after the input's
   * name: `line 42`, or for a record of a BATCH message's file `line 4 (BATCH for stream "users"),
   * file:///tmp/b/part-1.jsonl.gz line 3`.
   *
   * @example
   * ```ts
   * throw new MyError('ERR_MY_ROW', `row ${i} was refused at input ${context.describeLine(context.lineNumbers[i])}`);
   * ```
   */
  describeLine(line: number): string;
  /** The range of {@link BatchContext.lineNumbers}: the first record's place in the input order and the last's. */
  readonly firstLine: number;
  readonly lastLine: number;
  /** UTF-8 bytes of the batch's RECORD lines. */
  readonly bytes: number;
  /** When the batch was sealed and handed to the export (the `_sdc_batched_at` of its records). */
  readonly batchedAt: Date;
}

/** What `@ExportBatch` receives without `@EncodeWith`: one stream's batch of parsed, validated records. */
export interface RecordBatchContext<C = any, S = any> extends BatchContextBase<C, S> {
  readonly kind: 'records';
  /**
   * The records, in input order; parsed from the buffered lines on first access. For big batches prefer
   * {@link RecordBatchContext.eachMessage}, which parses one record at a time and keeps memory at the batch limit.
   */
  readonly records: readonly SingerRecord[];
  /** The RECORD messages the records came in (for `version` and `time_extracted`), same order. */
  readonly messages: readonly RecordMessage[];
  /** The RECORD messages one at a time, parsed as they are taken (same order as `records`). */
  eachMessage(): Iterable<RecordMessage>;
}

/**
 * What `@ExportBatch` receives with `@EncodeWith`: the text the stream's encoder made of the batch's records,
 * after records it refused were taken out by `invalid_record_policy` (`lineNumbers` and `size` count the rest).
 */
export interface EncodedBatchContext<C = any, S = any, N = unknown> extends BatchContextBase<C, S> {
  readonly kind: 'encoded';
  /**
   * The encoded records concatenated as UTF-8, in input order, each chunk holding whole records (views valid
   * until the export returns). Write them out as they are (to a file, a COPY stream).
   */
  readonly encoded: readonly Buffer[];
  /** What the encoder noted (`RecordEncoder.takeNotes`) while encoding this batch, one entry per part that had any. */
  readonly notes: readonly N[];
}

/**
 * What `@ExportBatch` receives: the records ({@link RecordBatchContext}), or, for a destination with
 * `@EncodeWith`, their encoded text ({@link EncodedBatchContext}). Tell them apart by `kind`; a destination names
 * the one it gets, so using the other's fields does not compile.
 */
export type BatchContext<C = any, S = any, N = unknown> =
  RecordBatchContext<C, S> | EncodedBatchContext<C, S, N>;

/**
 * What `@EncodeWith` receives after `@OnSchema`, when a stream's schema or state changed: return the plain data
 * (structured-cloneable) the encoder module builds the stream's encoder from.
 */
export interface EncoderFactsContext<C = any, S = any> {
  readonly config: C;
  readonly stream: string;
  /** What `@OnSchema` returned for the stream. */
  readonly streamState: S;
  readonly schema: JsonSchema;
  readonly keyProperties: readonly string[];
}

/** What `@OnActivateVersion` receives, after every record of the stream read before it was exported. */
export interface ActivateVersionContext<C = any, S = any> extends HandlerContext<C> {
  readonly stream: string;
  /** The stream's state: what `@OnSchema` returned for its latest SCHEMA. */
  readonly streamState: S;
  readonly version: number;
  readonly line: number;
  readonly schema: JsonSchema;
  readonly keyProperties: readonly string[];
}

/** Why the process runs: loading data, or only checking the connection. */
export type RunMode = 'process' | 'test-connection';

/** What `@BeforeProcess` and `@TestConnection` receive. */
export interface ProcessContext<C = any> extends HandlerContext<C> {
  readonly mode: RunMode;
}

/**
 * Values loaded although they break a constraint keyword of their schema (without `strict_validation`), for
 * one (stream, property, keyword).
 */
export interface SchemaDeviation {
  stream: string;
  /** The property, as `name`, `address.city` or `tags[]`. */
  property: string;
  /** The keyword broken: `maxLength`, `maximum`, `pattern`, `enum`, `format`, `type` (an array as JSON), ... */
  keyword: string;
  /** How many values broke it. */
  count: number;
  /** The input line of the first. */
  firstLine: number;
}

/** Counts of one run. */
export interface RunSummary {
  /** Records exported, by stream. */
  records: Record<string, number>;
  /** Records rejected by the invalid-record policy (skipped or dead-lettered), by stream. */
  invalidRecords: Record<string, number>;
  /** Values loaded despite breaking a schema constraint, by stream, property and keyword. */
  deviations: SchemaDeviation[];
  batches: number;
  statesEmitted: number;
  elapsedMs: number;
  /** Why reading stopped: the input ended, a signal asked to stop, or the reader of stdout went away. */
  stoppedBy: 'end-of-input' | 'signal' | 'output-closed';
  /**
   * Where each stream's records went (files, tables), by stream, as the destination's `@DescribeOutput` says;
   * absent when it has none. The CLI's closing summary names them.
   */
  outputs?: Record<string, readonly string[]>;
}

/** What `@DescribeOutput` receives: once per stream that had records exported, after the input ended. */
export interface DescribeOutputContext<C = any> extends HandlerContext<C> {
  readonly stream: string;
  /** Records of the stream exported in this run. */
  readonly records: number;
}

/** What `@AfterProcess` receives: always called, after success and after failure, so connections close. */
export interface AfterProcessContext<C = any> extends ProcessContext<C> {
  /** The error that ended the run, if it failed. */
  readonly error: unknown;
  readonly summary: RunSummary;
}
