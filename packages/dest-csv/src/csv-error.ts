/** Stable codes of the errors dest-csv raises itself (the SDK wraps them; the original is the `cause`). */
export type CsvErrorCode =
  | 'ERR_CSV_FILE_COLLISION'
  | 'ERR_CSV_TABLE_FOR_ONE_STREAM'
  | 'ERR_CSV_UNSAFE_PATH'
  | 'ERR_CSV_COLUMN_COLLISION'
  | 'ERR_CSV_EXTRA_PROPERTIES'
  | 'ERR_CSV_UNENCODABLE'
  | 'ERR_CSV_PARTIAL_ROW'
  | 'ERR_CSV_WORKER';

/**
 * An error dest-csv raised on purpose, with a stable code. Inside `@ExportBatch` the SDK wraps it in a
 * `HandlerError` (ERR_EXPORT_FAILED) whose `cause` is this error.
 *
 * @example
 * ```ts
 * if (error.cause instanceof CsvError && error.cause.code === 'ERR_CSV_FILE_COLLISION') { ... }
 * ```
 */
export class CsvError extends Error {
  constructor(
    readonly code: CsvErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}
