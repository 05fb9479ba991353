import type { Logger } from 'pino';
import { InputError, describeError, type ErrorCode, type ErrorLocation } from '../errors';
import { findLoneSurrogate, mayHoldLoneSurrogate } from '../json/lone-surrogate';
import type { RunSummary } from '../contexts';
import type { BatchFileLocation } from './batch-files';
import { DeadLetterFile } from './dead-letter';
import { describeExtraProperties } from './extra-properties';
import type { SingerMessage } from './parse-message';
import { DeviationLog } from './deviation-log';
import type { EncodedBatch } from './encode-stage';
import type { StreamBatch } from './stream-batch';
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

/** A rejected record's error fields. */
type RecordLocation = ErrorLocation & { line: number; stream: string };

/** Where a record an encoder refused was read: its stdin line, or its BATCH line, stream, file and line in it. */
export interface EncodedOrigin {
  line: number;
  stream?: string;
  file?: string;
  fileLine?: number;
}

/**
 * What happens to a RECORD between reading and buffering: the checks (key properties, lone surrogates, the
 * schema, noting values that only break a constraint), and the invalid-record policy (fail, skip, or the
 * dead-letter file) for a record that does not pass, or that the destination's encoder refused.
 *
 * @example
 * ```ts
 * if (pipeline.accept(stream, message, text, line) !== REJECTED) batcher.add(stream, cursor, line, Date.now());
 * pipeline.settleEncoded(batch, await batch.encoding, locate); // before the export: the encoder's refusals
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
   * Checks one record: undefined when it is to be buffered, {@link REJECTED} if not. Throws under `fail`. `line`
   * is the record's place in the input order; {@link RecordOrigin} says where it was read.
   */
  accept(
    stream: StreamDefinition,
    message: RecordMessage,
    text: string,
    line: number,
  ): undefined | typeof REJECTED {
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
    return undefined;
  }

  /**
   * Before a sealed batch's export: hands each record its encoder refused to the policy (the first throws under
   * `fail`: nothing of the batch is exported, so no state after it is written), then takes them out of the batch.
   */
  settleEncoded(
    batch: StreamBatch,
    encoded: EncodedBatch,
    locate: (position: number) => EncodedOrigin,
  ): void {
    const { stream } = batch.facts!;
    for (const { index, error } of encoded.rejected) {
      const position = batch.lines[index]!;
      this.rejectEncoded(stream, error, batch.text(index), position, locate(position));
    }
    batch.dropRecords(encoded.rejected.map((r) => r.index));
    batch.encoded = { chunks: encoded.chunks, notes: encoded.notes };
  }

  /**
   * Hands a record its encoder refused (`error`: what the encoder threw) to the policy: throws under `fail`.
   * `origin` says where the record was read; without it, it is the record being read now.
   */
  rejectEncoded(
    stream: string,
    error: unknown,
    text: string,
    position: number,
    origin?: EncodedOrigin,
  ): void {
    const problem = `was rejected by the destination: ${describeError(error).replace(/\.+$/, '')}`;
    this.reject(stream, 'ERR_RECORD_REJECTED', problem, text, position, error, origin);
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
    cause?: unknown,
    encodedAt?: EncodedOrigin,
  ): typeof REJECTED {
    const { settings, summary, logger } = this.options;
    const policy = settings.invalidRecordPolicy;
    // An encoder's refusal comes after the record was read: the loop says where that was.
    const { where, location } =
      encodedAt === undefined ? this.whereRead(stream, line) : this.whereEncoded(stream, encodedAt);
    if (policy === 'fail') {
      throw new InputError(
        code,
        `${where} ${problem}. Fix the tap, or set invalid_record_policy to "skip" or "dead_letter" to load the other records.`,
        location,
        cause === undefined ? undefined : { cause },
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

  /** The record being read: its RECORD line, or its batch file and line. */
  private whereRead(stream: string, line: number): { where: string; location: RecordLocation } {
    const file = this.options.origin?.batchFile;
    if (file === undefined) return this.recordLine(stream, this.options.origin?.line ?? line);
    return { where: `${file.describeFile()} line ${file.fileLine}: the record`, location: file.fields() };
  }

  /** A record read before (its batch is being encoded): where the loop's places say it was. */
  private whereEncoded(stream: string, at: EncodedOrigin): { where: string; location: RecordLocation } {
    if (at.file === undefined) return this.recordLine(stream, at.line);
    const { line, file, fileLine } = at;
    return {
      where: `${this.options.inputName} line ${line}: BATCH for stream "${stream}", ${file} line ${fileLine}: the record`,
      location: { line, stream, file, fileLine },
    };
  }

  private recordLine(stream: string, line: number): { where: string; location: RecordLocation } {
    return {
      where: `${this.options.inputName} line ${line}: RECORD for stream "${stream}"`,
      location: { line, stream },
    };
  }
}
