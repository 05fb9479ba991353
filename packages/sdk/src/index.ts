/**
 * @singer-dest/sdk: write Singer destinations as plain decorated classes.
 *
 * @example
 * ```ts
 * import { Destination, ExportBatch, runCli, type BatchContext } from '@singer-dest/sdk';
 *
 * @Destination({ name: 'dest-stderr' })
 * class StderrDestination {
 *   @ExportBatch
 *   write({ stream, records, logger }: BatchContext) {
 *     logger.info({ stream, count: records.length }, 'batch');
 *   }
 * }
 * ```
 */
import 'reflect-metadata';

// The authoring surface: decorators, the contexts handlers get, running, errors, exact numbers and the toolkit.
// CLI building blocks are in '@singer-dest/sdk/cli', test helpers and the conformance kit in
// '@singer-dest/sdk/testing'.
export { Destination } from './decorators/destination';
export { Setting, type SettingOptions } from './decorators/setting';
export { EncodeWith } from './decorators/encode-with';
export {
  AfterProcess,
  BeforeProcess,
  DescribeOutput,
  ExportBatch,
  OnActivateVersion,
  OnSchema,
  TestConnection,
} from './decorators/hooks';
export type {
  ActivateVersionContext,
  AfterProcessContext,
  BatchContext,
  DescribeOutputContext,
  EncodedBatchContext,
  EncoderFactsContext,
  HandlerContext,
  Logger,
  ProcessContext,
  RecordBatchContext,
  RunMode,
  RunSummary,
  SchemaDeviation,
  SchemaContext,
} from './contexts';
export type { DestinationOptions, MeltanoTargetCapability } from './metadata/metadata-types';
export { runCli } from './cli/run-cli';
export { runDestination, testConnection, type RunOptions } from './runtime/run-destination';
export type { InvalidRecordPolicy, RunSettings } from './runtime/settings';
export type { ExtraPropertiesPolicy } from './runtime/extra-properties';
// Error classes, exact numbers and the toolkit: also importable alone, without the run-time (see its module).
export * from './toolkit/index';
export { DeletionSettings } from './config/deletion-settings';
export {
  OneStreamTable,
  TableSetting,
  type LoadMethod,
  type LoadMethodOptions,
} from './config/table-settings';
