/**
 * The small typed metadata that decorators write onto a destination class (named `*Metadata`, never "record": in
 * Singer a RECORD is data). Decorators only write these; the
 * resolve step reads them all at once and turns them into a {@link DestinationDefinition}.
 */

import type { EncoderModule } from '../encoder';

/** Any class constructor. */
export type Constructor<T = object> = new (...args: any[]) => T;

/** What `@Destination(...)` accepts besides a bare number. */
export interface DestinationOptions {
  /** Flush a stream's batch once its buffered record lines pass this many MiB (UTF-8 bytes). Default 100. */
  maxBatchMb?: number;
  /** Flush a stream's batch once it holds this many records. Default: no row limit. */
  batchSizeRows?: number;
  /** Flush a stream's batch once its oldest record has waited this long, even while the input is idle. */
  batchWaitLimitSeconds?: number;
  /**
   * True when the destination stores object and array properties as JSON (a jsonb column, a JSON text cell), so
   * it can store an array where the schema says `"type": ["null", "object"]` (taps do send them: json columns
   * hold either). Such a value is then loaded and reported as a deviation instead of being an invalid record.
   */
  jsonColumnsHoldAnyJson?: boolean;
  /** The class-validator config class; JSON config is validated into an instance of it. */
  config?: Constructor;
  /** The executable name, e.g. `dest-csv`; also the environment prefix (`DEST_CSV_...`). Default: the class name. */
  name?: string;
  /** Version shown by `--version` and `--about`. */
  version?: string;
  /** One sentence shown by `--help` and `--about`. */
  description?: string;
  /**
   * Meltano capabilities the destination implements beyond what the SDK derives (`about` always,
   * `activate-version` with an `@OnActivateVersion` hook), e.g. `['schema-flattening']`. Only the names in
   * {@link MELTANO_TARGET_CAPABILITIES} are accepted.
   */
  capabilities?: readonly MeltanoTargetCapability[];
  /**
   * Two or three command lines that show the destination at work, ending `--help` (take them from its README, so
   * a reader sees the same ones in both), e.g. `'dest-csv --config config.json < tap-output.singer'`. A
   * `# comment` after a command is shown as it is.
   */
  examples?: readonly string[];
}

/**
 * The capability names a Meltano loader can declare: the `loaders` enum of Meltano's `meltano.schema.json`, plus
 * `target-schema` from the Meltano SDK's `TargetCapabilities` (singer_sdk/helpers/capabilities.py), which the Hub
 * lists but the meltano.yml schema does not. `test-connection` and `validate-records` are no Meltano loader
 * capabilities, so they cannot be declared.
 */
export const MELTANO_TARGET_CAPABILITIES = [
  'about',
  'stream-maps',
  'activate-version',
  'batch',
  'soft-delete',
  'hard-delete',
  'datatype-failsafe',
  'schema-flattening',
  'structured-logging',
  'target-schema',
] as const;

/** One of {@link MELTANO_TARGET_CAPABILITIES}. */
export type MeltanoTargetCapability = (typeof MELTANO_TARGET_CAPABILITIES)[number];

/** What `@Destination` writes. */
export interface DestinationMetadata {
  options: DestinationOptions;
}

/** The hooks a destination can have. */
export type HandlerKind =
  | 'exportBatch'
  | 'encoderFacts'
  | 'onSchema'
  | 'onActivateVersion'
  | 'beforeProcess'
  | 'afterProcess'
  | 'testConnection'
  | 'describeOutput';

/** What each method decorator writes. */
export interface HandlerMetadata {
  kind: HandlerKind;
  propertyKey: string | symbol;
  /** False when the decorator was put on something that is not a method (possible from plain JavaScript). */
  isMethod: boolean;
  /** `@EncodeWith`: the module the encoder factory is loaded from. */
  encoder?: EncoderModule;
}

/** What `@Setting` writes for one config property. */
export interface SettingMetadata {
  propertyKey: string;
  /** The key in JSON config files (snake_case, as everywhere in the Singer ecosystem). */
  name: string;
  description: string | undefined;
  /** A secret never appears in logs, errors, `--about` examples or templates. */
  secret: boolean;
  /** Example value for `--show-templates` (never used for secrets). */
  example: unknown;
}
