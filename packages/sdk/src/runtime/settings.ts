import { availableParallelism } from 'node:os';
import type { ExtraPropertiesPolicy } from './extra-properties';

/** What to do with a record that fails its schema or lacks a key property. */
export type InvalidRecordPolicy = 'fail' | 'skip' | 'dead_letter';

/** The loop's limits and policies, resolved from the decorator, the config and the defaults. */
export interface RunSettings {
  /** Flush when buffered record lines pass this many bytes (UTF-8). */
  maxBatchBytes: number;
  /** Flush a stream once its batch holds this many records. */
  batchSizeRows: number | undefined;
  /** Flush a stream once its oldest buffered record is this old (ms), on a real timer. */
  batchWaitLimitMs: number | undefined;
  /** Validate records against their stream's JSON Schema (ajv). */
  validateRecords: boolean;
  /**
   * A value that breaks a constraint keyword (maxLength, bounds, multipleOf, pattern, enum, format) makes its
   * record invalid. Without it such values are loaded, and each (stream, property, keyword) is reported.
   */
  strictValidation: boolean;
  /**
   * The destination stores object and array properties as JSON (jsonb, a JSON text cell), so an array where the
   * schema says object (or the reverse) is a deviation, not an invalid record. From `@Destination`.
   */
  jsonColumnsHoldAnyJson: boolean;
  invalidRecordPolicy: InvalidRecordPolicy;
  /** What to do with a record property the schema does not declare. */
  extraProperties: ExtraPropertiesPolicy;
  /** JSON-lines file for invalid records when the policy is `dead_letter`. */
  deadLetterPath: string | undefined;
  /** Refuse input lines longer than this many bytes. */
  maxLineBytes: number;
  /**
   * After a stop signal, how long the command line lets the buffered records export before it exits without
   * writing any further state (a stuck export must not keep a stopped run alive).
   */
  stopGracePeriodMs: number;
  /**
   * Worker threads that encode sealed batches (`@EncodeWith`); 0 encodes on the main thread. Undefined: one fewer
   * than the cores (the main thread reads), or none on two cores for an encoder that can encode as records are
   * read, see {@link defaultEncodeThreads}.
   */
  encodeThreads: number | undefined;
}

export const MIB = 1024 * 1024;

/** Defaults for everything the destination class does not set. */
export const DEFAULT_RUN_SETTINGS: RunSettings = {
  maxBatchBytes: 100 * MIB,
  batchSizeRows: undefined,
  batchWaitLimitMs: undefined,
  validateRecords: true,
  strictValidation: false,
  jsonColumnsHoldAnyJson: false,
  invalidRecordPolicy: 'fail',
  extraProperties: 'warn',
  deadLetterPath: undefined,
  maxLineBytes: 64 * MIB,
  stopGracePeriodMs: 30_000,
  encodeThreads: undefined,
};

/** Most encode threads a run starts by default (more rarely help: the main thread's reading is the limit). */
const MAX_DEFAULT_ENCODE_THREADS = 4;

/**
 * The encode threads when `encode_threads` is not set: the cores but one, which reads and validates (none on a
 * single core: the main thread encodes). An encoder that can encode as records are read (`usesBatchedAt: false`)
 * gets none on two cores: without threads it encodes the record the main thread already parsed, while a thread
 * parses every line again, which cost dest-postgres 30% more CPU and 40 MB more peak memory on the 2-core
 * benchmark machine and was not faster there (bench/README.md, rows d/d0 and e/e0).
 *
 * @example
 * ```ts
 * defaultEncodeThreads(2); // 1
 * defaultEncodeThreads(2, true); // 0
 * ```
 */
export function defaultEncodeThreads(cores: number = availableParallelism(), encodesAsRead = false): number {
  if (encodesAsRead && cores <= 2) return 0;
  return Math.max(0, Math.min(MAX_DEFAULT_ENCODE_THREADS, cores - 1));
}
