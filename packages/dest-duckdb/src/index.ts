/**
 * @singer-dest/dest-duckdb: a Singer destination that loads DuckDB, an embedded warehouse in one file.
 *
 * @example
 * ```ts
 * import { runCli } from '@singer-dest/sdk';
 * import { DuckDbDestination } from '@singer-dest/dest-duckdb';
 * runCli(DuckDbDestination);
 * ```
 */
export { DuckDbDestination } from './duckdb-destination';
export { DuckDbConfig, databaseFileOf, type LoadMethod } from './config';
export { DuckDbDestinationError, type DuckDbErrorCode } from './errors';
export { columnTypeOf, misfitOf, widerType } from './column-types';
