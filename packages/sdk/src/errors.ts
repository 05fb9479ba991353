/**
 * The SDK's error classes. Every error the SDK raises on purpose is an {@link SdkError} with a stable `code`, so
 * callers and tests can branch on the code and never on message text. Messages are for people: what failed, where,
 * why, and what to do.
 */

/** Stable error codes. Add new ones at the end of their group; never change the meaning of an existing one. */
export type ErrorCode =
  // Input: the Singer stream itself is malformed.
  | 'ERR_INVALID_UTF8'
  | 'ERR_LINE_TOO_LONG'
  | 'ERR_NESTING_TOO_DEEP'
  | 'ERR_INVALID_JSON'
  | 'ERR_MESSAGE_NOT_OBJECT'
  | 'ERR_MISSING_TYPE'
  | 'ERR_MISSING_STREAM'
  | 'ERR_INVALID_SCHEMA'
  | 'ERR_INVALID_KEY_PROPERTIES'
  | 'ERR_RECORD_BEFORE_SCHEMA'
  | 'ERR_RECORD_NOT_OBJECT'
  | 'ERR_RECORD_INVALID'
  | 'ERR_MISSING_KEY_PROPERTY'
  | 'ERR_RECORD_REJECTED'
  | 'ERR_STATE_WITHOUT_VALUE'
  | 'ERR_INVALID_ACTIVATE_VERSION'
  | 'ERR_BATCH_UNSUPPORTED'
  | 'ERR_LONE_SURROGATE'
  | 'ERR_EXTRA_PROPERTIES'
  | 'ERR_INVALID_BATCH'
  | 'ERR_BATCH_FILE_UNREADABLE'
  | 'ERR_BATCH_FILE_CORRUPT'
  | 'ERR_TABLE_FOR_ONE_STREAM'
  // The destination class or its configuration.
  | 'ERR_INVALID_DESTINATION'
  | 'ERR_INVALID_CONFIG'
  | 'ERR_USAGE'
  // Running: a handler failed.
  | 'ERR_EXPORT_FAILED'
  | 'ERR_HANDLER_FAILED'
  | 'ERR_TEST_CONNECTION_FAILED'
  | 'ERR_STATE_OUTPUT'
  | 'ERR_INTERRUPTED';

/** Where in the input an error happened, when known. */
export interface ErrorLocation {
  /** 1-based line number of the Singer input. */
  line?: number;
  /** The stream the message belonged to. */
  stream?: string;
  /** For a record of a BATCH message's file (then `line` is the BATCH message's line): the file's URL. */
  file?: string;
  /** The 1-based line within `file`. */
  fileLine?: number;
}

/**
 * Base class of every error the SDK raises on purpose.
 *
 * @example
 * ```ts
 * try { await runDestination(MyDestination, options); }
 * catch (error) { if (error instanceof SdkError && error.code === 'ERR_RECORD_INVALID') { ... } }
 * ```
 */
export class SdkError<Code extends string = ErrorCode> extends Error {
  readonly code: Code;
  readonly line: number | undefined;
  readonly stream: string | undefined;
  /** The batch file (URL) and the line in it, for a record of a BATCH message; `line` is then the BATCH's line. */
  readonly file: string | undefined;
  readonly fileLine: number | undefined;

  constructor(code: Code, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.line = location.line;
    this.stream = location.stream;
    this.file = location.file;
    this.fileLine = location.fileLine;
  }
}

/**
 * Base class of a destination's own errors: a stable `code` of the destination (`ERR_CSV_FILE_COLLISION`), and the
 * line and stream when known. When the SDK wraps one (a failed export is `ERR_EXPORT_FAILED` with it as `cause`),
 * the command line still reports the destination's code: the innermost coded error names the cause.
 *
 * @example
 * ```ts
 * type MyCode = 'ERR_MY_TABLE_MISSING';
 * class MyDestinationError extends DestinationError<MyCode> {}
 * throw new MyDestinationError('ERR_MY_TABLE_MISSING', 'Table "users" does not exist. Create it first.', { stream: 'users' });
 * ```
 */
export class DestinationError<Code extends string = string> extends SdkError<Code> {}

/**
 * The innermost {@link SdkError} in an error's `cause` chain (the error itself when nothing inside it has a code):
 * the one whose code names the cause.
 *
 * @example
 * ```ts
 * innermostCodedError(exportFailure)?.code; // 'ERR_CSV_FILE_COLLISION', not 'ERR_EXPORT_FAILED'
 * ```
 */
export function innermostCodedError(error: unknown): SdkError<string> | undefined {
  let found: SdkError<string> | undefined;
  const seen = new Set<unknown>();
  for (let at = error; at instanceof Error && !seen.has(at); at = at.cause) {
    seen.add(at);
    if (at instanceof SdkError) found = at as SdkError<string>;
  }
  return found;
}

/**
 * The Singer input is malformed: the message names the line, the stream when known, and what to do.
 *
 * @example
 * ```ts
 * throw new InputError('ERR_INVALID_JSON', 'stdin line 3: not valid JSON ...', { line: 3 });
 * ```
 */
export class InputError extends SdkError {}

/**
 * The destination class is not a valid destination. Lists every problem found, not just the first.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof DestinationDefinitionError) console.error(e.problems.join('\n')); }
 * ```
 */
export class DestinationDefinitionError extends SdkError {
  readonly problems: readonly string[];
  constructor(className: string, problems: readonly string[]) {
    super(
      'ERR_INVALID_DESTINATION',
      `${className} is not a valid destination:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** One invalid config field: its path, the rule it breaks, and what the rule says. */
export interface ConfigProblem {
  path: string;
  rule: string;
  message: string;
  /** Where the value came from (a file name, an environment variable), when known. */
  source?: string;
}

/**
 * The configuration is invalid. Lists every invalid field at once, with the file it came from. Never contains
 * the value of a secret field.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ConfigError) for (const p of e.problems) console.error(p.path, p.rule); }
 * ```
 */
export class ConfigError extends SdkError {
  readonly problems: readonly ConfigProblem[];
  constructor(message: string, problems: readonly ConfigProblem[] = []) {
    super('ERR_INVALID_CONFIG', message);
    this.problems = problems;
  }
}

/**
 * The command line is wrong (unknown flag, missing value).
 *
 * @example
 * ```ts
 * throw new UsageError('--config needs a file path. Example: --config config.json');
 * ```
 */
export class UsageError extends SdkError {
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}

/** Facts about a batch that failed to export, for the error message and for callers. */
export interface BatchLocation {
  stream: string;
  batchNumber: number;
  firstLine: number;
  lastLine: number;
  records: number;
}

/**
 * A destination handler (export, schema, activate-version, before/after hooks) threw. Carries the original error
 * as `cause`; for an export, the stream, batch number and input line range.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof HandlerError && e.batch) console.error(`batch ${e.batch.batchNumber} failed`); }
 * ```
 */
export class HandlerError extends SdkError {
  readonly batch: BatchLocation | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    cause: unknown,
    location: ErrorLocation = {},
    batch?: BatchLocation,
  ) {
    super(code, message, location, { cause });
    this.batch = batch;
  }
}

/** A short, safe description of an unknown thrown value, for messages (never a whole record). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
