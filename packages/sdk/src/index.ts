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
  JsonSchema,
  Logger,
  ProcessContext,
  RecordBatchContext,
  RecordMessage,
  RunMode,
  RunSummary,
  SchemaDeviation,
  SchemaContext,
  SingerRecord,
} from './contexts';
export type {
  EncodeFunction,
  EncodeMeta,
  EncoderFactory,
  EncoderModule,
  EncoderTools,
  RecordEncoder,
} from './encoder';
export type { DestinationOptions, MeltanoTargetCapability } from './metadata/metadata-types';
export { runCli } from './cli/run-cli';
export { runDestination, testConnection, type RunOptions } from './runtime/run-destination';
export type { InvalidRecordPolicy, RunSettings } from './runtime/settings';
export type { ExtraPropertiesPolicy } from './runtime/extra-properties';
export {
  ConfigError,
  DestinationDefinitionError,
  DestinationError,
  HandlerError,
  InputError,
  SdkError,
  type BatchLocation,
  type ConfigProblem,
  type ErrorCode,
  type ErrorLocation,
} from './errors';
export { ExactNumber, stringifyJson } from './json/exact-number';
export { parseJsonExact, type ParsedJson } from './json/parse-json';
export {
  normalizeSchema,
  schemaNumberText,
  type LogicalType,
  type PropertyConstraints,
  type PropertySchema,
  type SchemaNumber,
  type StreamSchema,
} from './toolkit/stream-schema';
export { foldName, foldNames, NameClaims, streamTableName, type NameRules } from './toolkit/naming';
export { decimalShapeOf, digitsOf, scaledIntegerOf, type DecimalShape } from './toolkit/exact-digits';
export { DeletionSettings } from './config/deletion-settings';
export {
  SDC_COLUMNS,
  SdcValues,
  isKeyOnlyDelete,
  isSdcColumn,
  type SdcColumn,
  type SdcColumnName,
  type SdcFacts,
  type SdcValue,
} from './toolkit/sdc-columns';
