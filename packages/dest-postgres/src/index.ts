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
