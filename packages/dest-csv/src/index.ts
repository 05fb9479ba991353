/**
 * @singer-dest/dest-csv: a Singer destination that writes one CSV file per stream.
 *
 * @example
 * ```ts
 * import { runCli } from '@singer-dest/sdk';
 * import { CsvDestination } from '@singer-dest/dest-csv';
 * runCli(CsvDestination);
 * ```
 */
export { CsvDestination } from './csv-destination';
export { CsvConfig, ENCODINGS, type CsvEncoding } from './config';
export { CsvError, type CsvErrorCode } from './csv-error';
