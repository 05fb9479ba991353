/**
 * The small typed records that decorators write onto a destination class. Decorators only write these; the
 * resolve step reads them all at once and turns them into a {@link DestinationDefinition}.
 */

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
  /** The class-validator config class; JSON config is validated into an instance of it. */
  config?: Constructor;
  /** The executable name, e.g. `dest-csv`; also the environment prefix (`DEST_CSV_...`). Default: the class name. */
  name?: string;
  /** Version shown by `--version` and `--about`. */
  version?: string;
  /** One sentence shown by `--help` and `--about`. */
  description?: string;
}

/** The record `@Destination` writes. */
export interface DestinationRecord {
  options: DestinationOptions;
}

/** The hooks a destination can have. */
export type HandlerKind =
  | 'exportBatch'
  | 'encodeRecord'
  | 'checkRecord'
  | 'onSchema'
  | 'onActivateVersion'
  | 'beforeProcess'
  | 'afterProcess'
  | 'testConnection';

/** The record each method decorator writes. */
export interface HandlerRecord {
  kind: HandlerKind;
  propertyKey: string | symbol;
  /** False when the decorator was put on something that is not a method (possible from plain JavaScript). */
  isMethod: boolean;
}

/** The record `@Setting` writes for one config property. */
export interface SettingRecord {
  propertyKey: string;
  /** The key in JSON config files (snake_case, as everywhere in the Singer ecosystem). */
  name: string;
  description: string | undefined;
  /** A secret never appears in logs, errors, `--about` examples or templates. */
  secret: boolean;
  /** Example value for `--show-templates` (never used for secrets). */
  example: unknown;
}
