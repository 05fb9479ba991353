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
  CheckRecord,
  DescribeOutput,
  EncodeRecord,
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
  EncodeContext,
  HandlerContext,
  JsonSchema,
  LineBytes,
  Logger,
  ProcessContext,
  RecordMessage,
  RunMode,
  RunSummary,
  SchemaContext,
  SingerRecord,
} from './contexts';
export type {
  Constructor,
  DestinationOptions,
  SettingRecord,
  MeltanoTargetCapability,
} from './metadata/records';
export { MELTANO_TARGET_CAPABILITIES } from './metadata/records';
export { SdkSettings } from './config/sdk-settings';
export {
  knownSettings,
  validateConfig,
  type KeySources,
  type ValidatedConfig,
} from './config/validate-config';
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
export {
  createLogger,
  createMemoryLogger,
  type LogEntry,
  type LoggerOptions,
  type LogSink,
} from './runtime/logger';
export type { BatchReport } from './runtime/batch-exporter';
export {
  resolveRunSettings,
  runDestination,
  testConnection,
  type DestinationLike,
  type RunOptions,
} from './runtime/run-destination';
export { runCli, executeCli, EXIT, type CliIo } from './cli/run-cli';
export { parseArgs, FLAGS, type CliArgs, type CliMode, type FlagSpec } from './cli/parse-args';
export { loadConfigSources, type ConfigSources } from './cli/load-config-sources';
export { buildAbout, formatAboutMarkdown, type AboutInfo } from './cli/about';
export { buildConfigTemplate } from './cli/templates';
export { writeStateFile } from './cli/state-file';
export { SecretRedactor, REDACTED } from './cli/redact';
export { formatMetric, logBatchMetrics, type SingerMetric } from './cli/metrics';
export { exitCodeFor } from './cli/exit-codes';
export {
  buildSettingsSchema,
  describeSettings,
  type SettingInfo,
  type SettingSchema,
  type SettingsSchema,
} from './config/settings-schema';
export {
  coerceEnvValue,
  envPrefix,
  envVariableName,
  readEnvSettings,
  type EnvSettings,
} from './config/env-settings';
export { DEFAULT_RUN_SETTINGS, type InvalidRecordPolicy, type RunSettings } from './runtime/settings';
export { openStdin, INPUT_READ_BYTES } from './runtime/input-stream';
export { eachLine } from './runtime/line-bytes';
export {
  normalizeSchema,
  schemaNumberText,
  type LogicalType,
  type PropertyConstraints,
  type PropertySchema,
  type SchemaNumber,
  type StreamSchema,
} from './toolkit/stream-schema';
export { foldName, foldNames, NameClaims, type NameRules } from './toolkit/naming';
export {
  SDC_COLUMNS,
  SdcValues,
  isSdcColumn,
  type SdcColumn,
  type SdcColumnName,
  type SdcFacts,
  type SdcValue,
} from './toolkit/sdc-columns';
export type { ExtraPropertiesPolicy } from './runtime/extra-properties';
