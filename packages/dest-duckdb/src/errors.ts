import { DestinationError } from '@singer-dest/sdk';

/** Codes of the errors dest-duckdb raises itself. */
export type DuckDbErrorCode =
  | 'ERR_DUCKDB_OPEN_FAILED'
  | 'ERR_DUCKDB_NAME_COLLISION'
  | 'ERR_DUCKDB_UNKNOWN_KEY'
  | 'ERR_DUCKDB_LOAD_FAILED';

/**
 * An error of dest-duckdb: a stable `code`, and the input line and stream when known.
 *
 * @example
 * ```ts
 * if (error.cause instanceof DuckDbDestinationError && error.cause.code === 'ERR_DUCKDB_OPEN_FAILED') { ... }
 * ```
 */
export class DuckDbDestinationError extends DestinationError<DuckDbErrorCode> {}
