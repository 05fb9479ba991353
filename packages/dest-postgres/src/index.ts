/**
 * @singer-dest/dest-postgres: a Singer destination that loads PostgreSQL with COPY.
 *
 * @example
 * ```ts
 * import { runCli } from '@singer-dest/sdk';
 * import { PostgresDestination } from '@singer-dest/dest-postgres';
 * runCli(PostgresDestination);
 * ```
 */
export { PostgresDestination } from './postgres-destination';
export { PostgresConfig, type SslMode } from './config';
export type { LoadMethod } from '@singer-dest/sdk';
export { PostgresDestinationError, type PostgresErrorCode } from './errors';
export { toPgName, tableNameOf, quoteIdent, MAX_IDENTIFIER_BYTES, type TableName } from './identifiers';
export { columnTypeOf, widenedType, type ColumnType, type ColumnKind } from './type-mapping';
