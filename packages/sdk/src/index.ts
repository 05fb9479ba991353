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

export { Destination } from './decorators/destination';
export { Setting, type SettingOptions } from './decorators/setting';
export {
  AfterProcess,
  BeforeProcess,
  ExportBatch,
  OnActivateVersion,
  OnSchema,
  TestConnection,
} from './decorators/hooks';
export type {
  ActivateVersionContext,
  AfterProcessContext,
  BatchContext,
  HandlerContext,
  JsonSchema,
  Logger,
  ProcessContext,
  RecordMessage,
  RunMode,
  RunSummary,
  SchemaContext,
  SingerRecord,
} from './contexts';
export type { Constructor, DestinationOptions, SettingRecord } from './metadata/records';
export { SdkSettings } from './config/sdk-settings';
export { knownSettings, validateConfig, type ValidatedConfig } from './config/validate-config';
export { DEFAULT_MAX_BATCH_MB, resolveDestination, type DestinationDefinition } from './metadata/resolve';
export {
  ConfigError,
  DestinationDefinitionError,
  HandlerError,
  InputError,
  SdkError,
  UsageError,
  type BatchLocation,
  type ConfigProblem,
  type ErrorCode,
  type ErrorLocation,
} from './errors';
export { ExactNumber, stringifyJson } from './json/exact-number';
export { parseJsonExact, type ParsedJson } from './json/parse-json';
export { createLogger, createMemoryLogger, type LogEntry, type LoggerOptions } from './runtime/logger';
export type { BatchReport } from './runtime/process-loop';
export {
  resolveRunSettings,
  runDestination,
  testConnection,
  type DestinationLike,
  type RunOptions,
} from './runtime/run-destination';
export { runCli, EXIT } from './cli/run-cli';
export { DEFAULT_RUN_SETTINGS, type InvalidRecordPolicy, type RunSettings } from './runtime/settings';
