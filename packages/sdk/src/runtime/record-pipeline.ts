import type { Logger } from 'pino';
import { InputError, SdkError, describeError, type ErrorCode } from '../errors';
import { findLoneSurrogate, mayHoldLoneSurrogate } from '../json/lone-surrogate';
import type { RunSummary } from '../contexts';
import type { BatchFileLocation } from './batch-files';
import type { BoundHandlers } from './bind-handlers';
import { DeadLetterFile } from './dead-letter';
import { describeExtraProperties } from './extra-properties';
import type { SingerMessage } from './parse-message';
import { DeviationLog } from './deviation-log';
import type { RunSettings } from './settings';
import type { StreamDefinition } from './stream-registry';

/** What {@link RecordPipeline.accept} returns for a record the invalid-record policy took out. */
export const REJECTED: unique symbol = Symbol('rejected');

type RecordMessage = Extract<SingerMessage, { type: 'RECORD' }>;

/**
 * Where the record being accepted was read, for messages: the stdin line of its message, and for a record of a
 * BATCH message's file, that file and line. Set by the loop before each record; the record's `line` given to
 * `accept` is its place in the input order (see ProcessLoop), which a BATCH's records shift.
 */
export interface RecordOrigin {
  line: number;
  batchFile: BatchFileLocation | undefined;
}

/**
 * An async `@CheckRecord` would let every record through (its rejection arrives after the record was batched), and
 * TypeScript accepts a Promise-returning method where `void` is declared: so the pipeline refuses one at its first call.
 */
function notSynchronous(returned: unknown): SdkError {
  if (returned instanceof Promise) returned.catch(() => undefined); // its own rejection must not crash the process
  return new SdkError(
    'ERR_HANDLER_FAILED',
    `@CheckRecord returned ${returned instanceof Promise ? 'a Promise' : 'a value'}: it must be synchronous and ` +
      'return nothing (throw to reject the record). Remove `async` from the method.',
  );
}

/**
 * What happens to a RECORD between reading and buffering: the checks (key properties, lone surrogates, the
 * schema, noting values that only break a constraint), the destination's `@CheckRecord` and `@EncodeRecord`, and the invalid-record policy (fail, skip, or
 * the dead-letter file) for a record that does not pass.
 *
 * @example
 * ```ts
 * const encoded = pipeline.accept(stream, message, text, line, Date.now());
 * if (encoded !== REJECTED) batcher.add(stream, encoded, cursor, line, now);
 * ```
 */
export class RecordPipeline {
  private readonly deadLetter: DeadLetterFile | undefined;
  /** Values loaded although they break a schema constraint (without strict_validation), for the summary. */
  readonly deviations: DeviationLog;
  /** The undeclared properties of the record last accepted (extra_properties "warn"), for its batch's note. */
  foundExtras: string[] | undefined;

  constructor(
    private readonly options: {
      handlers: BoundHandlers;
      settings: RunSettings;
      logger: Logger;
      inputName: string;
      summary: RunSummary;
      /** Without one, a record's position is taken for its stdin line (true of input without BATCH messages). */
      origin?: RecordOrigin;
    },
  ) {
    const { settings } = options;
    this.deviations = new DeviationLog(options.logger, options.inputName);
    if (settings.invalidRecordPolicy === 'dead_letter')
      this.deadLetter = new DeadLetterFile(settings.deadLetterPath ?? 'dead-letter.jsonl');
  }

  /**
   * Checks one record and runs the destination's record hooks. Returns what `@EncodeRecord` made of it (undefined
   * without one: the line is buffered as read), or {@link REJECTED}. Throws under the `fail` policy. `line` is
   * the record's place in the input order (the hooks' `line`); {@link RecordOrigin} says where it was read.
   */
  accept(
    stream: StreamDefinition,
    message: RecordMessage,
    text: string,
    line: number,
    now: number,
  ): string | undefined | typeof REJECTED {
    const record = message.message.record;
    for (const key of stream.keyProperties) {
      if (record[key] === undefined || record[key] === null) {
        return this.reject(
          stream.name,
          'ERR_MISSING_KEY_PROPERTY',
          `key property "${key}" is missing or null`,
          text,
          line,
        );
      }
    }
    if (mayHoldLoneSurrogate(text)) {
      const where = findLoneSurrogate(record);
      if (where !== undefined) {
        return this.reject(
          stream.name,
          'ERR_LONE_SURROGATE',
          `holds a lone UTF-16 surrogate at ${JSON.stringify(where)} (a \\uD800-\\uDFFF escape without its pair), ` +
            'which UTF-8 output cannot hold: it would be written as U+FFFD',
          text,
          line,
        );
      }
    }
    const verdict = stream.checker?.check(message.approximateRecord, record);
    if (verdict !== undefined) {
      if (!verdict.loadable) {
        return this.reject(
          stream.name,
          'ERR_RECORD_INVALID',
          `does not match the stream's schema: ${verdict.problem}`,
          text,
          line,
        );
      }
      this.deviations.note(stream.name, this.options.origin?.line ?? line, verdict.deviations);
    }
    const extras = stream.extras?.find(record);
    this.foundExtras = extras;
    if (extras !== undefined && this.options.settings.extraProperties === 'fail')
      return this.reject(stream.name, 'ERR_EXTRA_PROPERTIES', describeExtraProperties(extras), text, line);
    const { encodeRecord: encode, checkRecord: check } = this.options.handlers;
    if (encode === undefined && check === undefined) return undefined;
    const context = stream.encodeContext;
    context.record = record;
    context.message = message.message;
    context.line = line;
    context.receivedAt = now;
    let checked: unknown;
    let encoded: string | undefined;
    try {
      checked = check?.(context);
      encoded = encode?.(context);
    } catch (error) {
      return this.reject(
        stream.name,
        'ERR_RECORD_REJECTED',
        `was rejected by the destination: ${describeError(error)}`,
        text,
        line,
      );
    }
    if (checked !== undefined) throw notSynchronous(checked);
    return encoded;
  }

  /** Makes rejected records durable before a STATE that covers them is written. */
  sync(): void {
    this.deadLetter?.sync();
  }

  close(): void {
    this.deadLetter?.close();
  }

  private reject(
    stream: string,
    code: ErrorCode,
    problem: string,
    text: string,
    line: number,
  ): typeof REJECTED {
    const { settings, inputName, summary, logger, origin } = this.options;
    const policy = settings.invalidRecordPolicy;
    const file = origin?.batchFile;
    const at = origin?.line ?? line;
    const where =
      file === undefined
        ? `${inputName} line ${at}: RECORD for stream "${stream}"`
        : `${file.describeFile()} line ${file.fileLine}: the record`;
    const location = file?.fields() ?? { line: at, stream };
    if (policy === 'fail') {
      throw new InputError(
        code,
        `${where} ${problem}. Fix the tap, or set invalid_record_policy to "skip" or "dead_letter" to load the other records.`,
        location,
      );
    }
    summary.invalidRecords[stream] = (summary.invalidRecords[stream] ?? 0) + 1;
    if (policy === 'dead_letter') this.deadLetter!.write({ ...location, stream, code, error: problem }, text);
    logger.warn(
      { ...location, code },
      `${where} ${problem}; ${policy === 'skip' ? 'skipped' : 'written to the dead-letter file'}`,
    );
    return REJECTED;
  }
}
