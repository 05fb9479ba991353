/** Codes of the errors dest-duckdb raises itself. */
export type DuckDbErrorCode =
  | 'ERR_DUCKDB_OPEN_FAILED'
  | 'ERR_DUCKDB_NAME_COLLISION'
  | 'ERR_DUCKDB_UNKNOWN_KEY'
  | 'ERR_DUCKDB_VALUE_DOES_NOT_FIT'
  | 'ERR_DUCKDB_LOAD_FAILED';

/**
 * An error of dest-duckdb: a stable `code`, and the input line and stream when known.
 *
 * @example
 * ```ts
 * if (error.cause instanceof DuckDbDestinationError && error.cause.code === 'ERR_DUCKDB_OPEN_FAILED') { ... }
 * ```
 */
export class DuckDbDestinationError extends Error {
  constructor(
    readonly code: DuckDbErrorCode,
    message: string,
    readonly location: { line?: number; stream?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DuckDbDestinationError';
  }
}
