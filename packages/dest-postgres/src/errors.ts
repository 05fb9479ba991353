import { DestinationError } from '@singer-dest/sdk/toolkit';

/** Codes of the errors dest-postgres raises itself (the SDK wraps them into ERR_EXPORT_FAILED with this as cause). */
export type PostgresErrorCode =
  | 'ERR_PG_NAME_COLLISION'
  | 'ERR_PG_INVALID_NAME'
  | 'ERR_PG_NO_PROPERTIES'
  | 'ERR_PG_UNKNOWN_KEY'
  | 'ERR_PG_NUL_CHARACTER'
  | 'ERR_PG_VALUE_REJECTED'
  | 'ERR_PG_LOAD_FAILED'
  | 'ERR_PG_COMMIT_UNKNOWN';

/**
 * An error of dest-postgres: a stable `code`, and the input line and stream when known.
 *
 * @example
 * ```ts
 * if (error.cause instanceof PostgresDestinationError && error.cause.code === 'ERR_PG_NUL_CHARACTER') { ... }
 * ```
 */
export class PostgresDestinationError extends DestinationError<PostgresErrorCode> {}
