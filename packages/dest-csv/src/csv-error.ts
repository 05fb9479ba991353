import { DestinationError } from '@singer-dest/sdk/toolkit';

/** Stable codes of the errors dest-csv raises itself (the SDK wraps them; the original is the `cause`). */
export type CsvErrorCode =
  | 'ERR_CSV_FILE_COLLISION'
  | 'ERR_CSV_UNSAFE_PATH'
  | 'ERR_CSV_COLUMN_COLLISION'
  | 'ERR_CSV_EXTRA_PROPERTIES'
  | 'ERR_CSV_UNENCODABLE'
  | 'ERR_CSV_PARTIAL_ROW'
  | 'ERR_CSV_WORKER'
  | 'ERR_CSV_OUTPUT_PATH';

/**
 * An error dest-csv raised on purpose, with a stable code. Inside `@ExportBatch` the SDK wraps it in a
 * `HandlerError` (ERR_EXPORT_FAILED) whose `cause` is this error.
 *
 * @example
 * ```ts
 * if (error.cause instanceof CsvError && error.cause.code === 'ERR_CSV_FILE_COLLISION') { ... }
 * ```
 */
export class CsvError extends DestinationError<CsvErrorCode> {}

const CODES: ReadonlySet<string> = new Set<CsvErrorCode>([
  'ERR_CSV_FILE_COLLISION',
  'ERR_CSV_UNSAFE_PATH',
  'ERR_CSV_COLUMN_COLLISION',
  'ERR_CSV_EXTRA_PROPERTIES',
  'ERR_CSV_UNENCODABLE',
  'ERR_CSV_PARTIAL_ROW',
  'ERR_CSV_WORKER',
  'ERR_CSV_OUTPUT_PATH',
]);

/** Whether a code (e.g. one a worker thread sent back) is dest-csv's own. */
export function isCsvErrorCode(code: unknown): code is CsvErrorCode {
  return typeof code === 'string' && CODES.has(code);
}
