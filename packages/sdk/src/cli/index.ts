/**
 * @singer-dest/sdk/cli: the building blocks of the command line every destination gets (`runCli` at the root
 * puts them together). For tools that embed or extend the CLI; a destination needs none of them.
 *
 * @example
 * ```ts
 * import { executeCli } from '@singer-dest/sdk/cli';
 * const code = await executeCli(MyDestination, ['--about', '--format', 'json'], io);
 * ```
 */
import 'reflect-metadata';

export type { Constructor, SettingMetadata } from '../metadata/metadata-types';
export { MELTANO_TARGET_CAPABILITIES } from '../metadata/metadata-types';
export { SdkSettings } from '../config/sdk-settings';
export {
  knownSettings,
  validateConfig,
  type KeySources,
  type ValidatedConfig,
} from '../config/validate-config';
export { DEFAULT_MAX_BATCH_MB, resolveDestination, type DestinationDefinition } from '../metadata/resolve';
export { UsageError } from '../errors';
export {
  createLogger,
  createMemoryLogger,
  type LogEntry,
  type LoggerOptions,
  type LogSink,
} from '../runtime/logger';
export type { BatchReport } from '../runtime/batch-exporter';
export { resolveRunSettings, type DestinationLike } from '../runtime/run-destination';
export { executeCli, EXIT, type CliIo } from './run-cli';
export { parseArgs, FLAGS, type CliArgs, type CliMode, type FlagSpec } from './parse-args';
export { loadConfigSources, type ConfigSources } from './load-config-sources';
export { buildAbout, formatAboutMarkdown, type AboutInfo } from './about';
export { buildConfigTemplate } from './templates';
export { writeStateFile } from './state-file';
export { SecretRedactor, REDACTED } from './redact';
export { formatMetric, logBatchMetrics, logDeviationMetrics, type SingerMetric } from './metrics';
export { exitCodeFor } from './exit-codes';
export {
  buildSettingsSchema,
  describeSettings,
  type SettingInfo,
  type SettingSchema,
  type SettingsSchema,
} from '../config/settings-schema';
export {
  coerceEnvValue,
  envPrefix,
  envVariableName,
  readEnvSettings,
  type EnvSettings,
} from '../config/env-settings';
export { DEFAULT_RUN_SETTINGS } from '../runtime/settings';
export { openStdin, INPUT_READ_BYTES } from '../runtime/input-stream';
