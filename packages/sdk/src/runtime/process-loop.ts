import type { Readable, Writable } from 'node:stream';
import type { ValidateFunction } from 'ajv';
import type { Logger } from 'pino';
import { HandlerError, InputError, SdkError, describeError, type ErrorCode } from '../errors';
import { stringifyJson } from '../json/exact-number';
import { findLoneSurrogate, mayHoldLoneSurrogate } from '../json/lone-surrogate';
import type { BatchContext, EncodeContext, JsonSchema, RunSummary } from '../contexts';
import { createBatchContext } from './batch-context';
import { BLOCK_BYTES, setArenaPoolLimit } from './byte-arena';
import { CheckpointLedger } from './checkpoint-ledger';
import { collectGarbage } from './collect-garbage';
import type { BoundHandlers } from './bind-handlers';
import { DeadLetterFile } from './dead-letter';
import { ExtraPropertyFinder, ExtraPropertyNote, describeExtraProperties } from './extra-properties';
import { LineCursor, LineReader } from './line-reader';
import { MageInput } from './mage-input';
import { parseMessage, type SingerMessage } from './parse-message';
import { compileRecordValidator, createAjv, describeValidationErrors } from './record-validator';
import type { RunSettings } from './settings';
import { StreamBatch } from './stream-batch';
import { writeLine } from './write-line';

/** What the loop reports after each exported batch (metrics, progress, tests). */
export interface BatchReport {
  stream: string;
  batchNumber: number;
  records: number;
  bytes: number;
  firstLine: number;
  lastLine: number;
  durationMs: number;
}

/** Everything the loop needs besides its input. */
export interface LoopOptions {
  handlers: BoundHandlers;
  config: unknown;
  logger: Logger;
  settings: RunSettings;
  /** Where STATE lines go (stdout). */
  output: Writable;
  /** `stdin` or the input file's name, for messages. */
  inputName: string;
  signal: AbortSignal | undefined;
  /** Called after each STATE line was written (e.g. to also write a state file). */
  onState: ((text: string) => void | Promise<void>) | undefined;
  onBatchExported: ((report: BatchReport) => void) | undefined;
  /** Called with each successfully exported batch's full context (the testing helpers record batches with it). */
  observeBatch: ((context: BatchContext) => void) | undefined;
  /** `mage`: read the input as Mage writes it (see {@link MageInput}). Default `singer`. */
  inputDialect?: 'singer' | 'mage';
}

interface StreamEntry {
  name: string;
  schema: JsonSchema;
  keyProperties: string[];
  /** Schema and keys as JSON text: an identical repeated SCHEMA (taps resend them) changes nothing. */
  schemaKey: string;
  validate: ValidateFunction | undefined;
  /** Finds undeclared properties (unless extra_properties is "ignore"). */
  extras: ExtraPropertyFinder | undefined;
  batch: StreamBatch;
  /** Reused for every `@EncodeRecord` call of the stream: no object per record. */
  encodeContext: MutableEncodeContext;
  batchesExported: number;
  timer: NodeJS.Timeout | undefined;
}

type MutableEncodeContext = { -readonly [K in keyof EncodeContext]: EncodeContext[K] };

interface InFlightBatch {
  done: Promise<void>;
}

// One batch may export while the next fills (reading overlaps a database's work on the previous batch); a
// second full batch waits. So at most two batches' worth of records are in memory.
const MAX_BATCHES_IN_FLIGHT = 1;
// STATE-only tasks are tiny, but a tap can send one per record while stdout is slow: wait past this many.
const MAX_QUEUED_TASKS = 1000;
// Batches at least this large are followed by a collection (see collect-garbage.ts); small ones are not worth it.
const GC_AFTER_BYTES = 16 * 1024 * 1024;

function isEmptyState(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  return typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

/**
 * An async `@CheckRecord` would let every record through (its rejection arrives after the record was batched), and
 * TypeScript accepts a Promise-returning method where `void` is declared: so the loop refuses one at its first call.
 */
function notSynchronous(returned: unknown): SdkError {
  if (returned instanceof Promise) returned.catch(() => undefined); // its own rejection must not crash the process
  return new SdkError(
    'ERR_HANDLER_FAILED',
    `@CheckRecord returned ${returned instanceof Promise ? 'a Promise' : 'a value'}: it must be synchronous and ` +
      'return nothing (throw to reject the record). Remove `async` from the method.',
  );
}

/** The counts of a run that has not read anything yet. */
export function emptySummary(): RunSummary {
  return {
    records: {},
    invalidRecords: {},
    batches: 0,
    statesEmitted: 0,
    elapsedMs: 0,
    stoppedBy: 'end-of-input',
  };
}

/**
 * The one streaming loop every destination runs: read lines, route messages, batch records per stream, flush
 * through `@ExportBatch`, and write each STATE once every record before it has been exported.
 */
export class ProcessLoop {
  readonly summary: RunSummary = emptySummary();
  private readonly streams = new Map<string, StreamEntry>();
  private readonly ledger = new CheckpointLedger();
  private readonly ajv = createAjv();
  private readonly inFlight: InFlightBatch[] = [];
  private readonly deadLetter: DeadLetterFile | undefined;
  private readonly warnedTypes = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private queuedTasks = 0;
  private bufferedBytes = 0;
  private failure: unknown = undefined;
  private stopRequested: 'signal' | 'output-closed' | undefined;
  private reader: LineReader | undefined;

  private readonly encodes: boolean;
  private readonly mage: MageInput | undefined;

  constructor(private readonly options: LoopOptions) {
    this.encodes = options.handlers.encodeRecord !== undefined;
    this.mage =
      options.inputDialect === 'mage' ? new MageInput(options.logger, options.inputName) : undefined;
    // Free blocks kept for reuse: one batch's worth (the filling batch takes them back as the exported one frees them).
    setArenaPoolLimit(Math.ceil(options.settings.maxBatchBytes / BLOCK_BYTES) + 4);
    const { settings } = options;
    if (settings.invalidRecordPolicy === 'dead_letter') {
      this.deadLetter = new DeadLetterFile(settings.deadLetterPath ?? 'dead-letter.jsonl');
    }
  }

  /** Runs the loop to the end of the input (or a stop request) and returns the counts. */
  async run(input: Readable): Promise<RunSummary> {
    const started = performance.now();
    const { signal, output } = this.options;
    const reader = new LineReader(input, this.options.settings.maxLineBytes);
    this.reader = reader;
    const onAbort = () => this.requestStop('signal');
    const onOutputError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') this.requestStop('output-closed');
      else this.fail(new SdkError('ERR_STATE_OUTPUT', `Writing STATE to stdout failed: ${error.message}`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    output.on('error', onOutputError);
    try {
      if (signal?.aborted) this.requestStop('signal');
      const lines = await this.readAll(reader);
      if (this.failure !== undefined) throw this.failure;
      this.mage?.logTotals();
      if (this.stopRequested === undefined && reader.failure) {
        const { code, bytes } = reader.failure;
        const line = lines + 1;
        throw new InputError(
          code,
          code === 'ERR_LINE_TOO_LONG'
            ? `${this.options.inputName} line ${line}: the line is longer than max_line_bytes ` +
                `(${this.options.settings.maxLineBytes} bytes; at least ${bytes} read). Raise max_line_bytes in the ` +
                'config if such records are expected.'
            : `${this.options.inputName} line ${line}: the line is not valid UTF-8. Singer messages are UTF-8 JSON; ` +
                "fix the tap's output encoding.",
          { line },
        );
      }
      if (this.stopRequested === 'output-closed') {
        await this.drain(); // exports already started finish cleanly; no state can be written any more
      } else {
        await this.finish();
      }
      if (this.stopRequested) this.summary.stoppedBy = this.stopRequested;
      return this.summary;
    } catch (error) {
      this.fail(error);
      // Let an export that is still running finish (it will not be followed by any state) before the caller
      // runs @AfterProcess, which closes the connections that export is using.
      await this.chain;
      throw this.failure;
    } finally {
      this.stopTimers();
      signal?.removeEventListener('abort', onAbort);
      output.off('error', onOutputError);
      this.deadLetter?.close();
      this.summary.elapsedMs = performance.now() - started;
    }
  }

  /** Reads and handles every line; returns how many lines were read. */
  private async readAll(reader: LineReader): Promise<number> {
    let line = 0;
    const cursor = new LineCursor();
    try {
      for await (const chunk of reader.chunks()) {
        cursor.reset(chunk);
        while (cursor.advance()) {
          line++;
          if (this.failure !== undefined || this.stopRequested) return line;
          if (line === 1) cursor.skipByteOrderMark();
          const pending = this.handleLine(cursor, line);
          // Most lines need no waiting; awaiting only real promises keeps the hot path free of extra ticks.
          if (pending !== undefined) await pending;
        }
      }
    } catch (error) {
      // Closing the reader on a stop request ends iteration with a premature-close error: that is the stop.
      if (!this.stopRequested || this.failure !== undefined) throw error;
    }
    return line;
  }

  /** Handles the line under the cursor (used synchronously: the cursor moves on once this returns). */
  private handleLine(cursor: LineCursor, line: number): Promise<void> | undefined {
    let text = cursor.text();
    let message: SingerMessage | undefined;
    let raw = cursor;
    if (this.mage === undefined) {
      message = parseMessage(text, { name: this.options.inputName, line });
    } else {
      const read = this.mage.read(text, { name: this.options.inputName, line });
      message = read?.message;
      if (read?.text !== undefined) {
        // The line had NaN replaced: the record is buffered (and re-read at export) as the fixed text.
        text = read.text;
        raw = new LineCursor();
        raw.reset(Buffer.from(text));
        raw.advance();
      }
    }
    if (message === undefined) return undefined;
    switch (message.type) {
      case 'RECORD':
        return this.handleRecord(message, text, raw, line);
      case 'SCHEMA':
        return this.handleSchema(message, line);
      case 'STATE':
        return this.handleState(message.value, line);
      case 'ACTIVATE_VERSION':
        return this.handleActivateVersion(message, line);
      case 'UNKNOWN':
        if (!this.warnedTypes.has(message.rawType)) {
          this.warnedTypes.add(message.rawType);
          this.options.logger.warn(
            { line, type: message.rawType },
            `${this.options.inputName} line ${line}: skipping messages of unknown type ${JSON.stringify(message.rawType)} (the Singer spec allows new types; this warning is shown once per type)`,
          );
        }
        return undefined;
    }
  }

  private handleRecord(
    message: Extract<SingerMessage, { type: 'RECORD' }>,
    text: string,
    raw: LineCursor,
    line: number,
  ): Promise<void> | undefined {
    const stream = this.streams.get(message.stream);
    if (stream === undefined) {
      throw new InputError(
        'ERR_RECORD_BEFORE_SCHEMA',
        `${this.options.inputName} line ${line}: RECORD for stream "${message.stream}" arrived before its SCHEMA. ` +
          `Send a SCHEMA message for "${message.stream}" first.`,
        { line, stream: message.stream },
      );
    }
    const record = message.message.record;
    for (const key of stream.keyProperties) {
      if (record[key] === undefined || record[key] === null) {
        return this.rejectRecord(
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
        return this.rejectRecord(
          stream.name,
          'ERR_LONE_SURROGATE',
          `holds a lone UTF-16 surrogate at ${JSON.stringify(where)} (a \\uD800-\\uDFFF escape without its pair), ` +
            'which UTF-8 output cannot hold: it would be written as U+FFFD',
          text,
          line,
        );
      }
    }
    if (stream.validate !== undefined && !stream.validate(message.approximateRecord)) {
      return this.rejectRecord(
        stream.name,
        'ERR_RECORD_INVALID',
        `does not match the stream's schema: ${describeValidationErrors(stream.validate)}`,
        text,
        line,
      );
    }
    const batch = stream.batch;
    const extras = stream.extras?.find(record);
    if (extras !== undefined) {
      if (this.options.settings.extraProperties === 'fail') {
        return this.rejectRecord(
          stream.name,
          'ERR_EXTRA_PROPERTIES',
          describeExtraProperties(extras),
          text,
          line,
        );
      }
      (batch.extraProperties ??= new ExtraPropertyNote()).add(extras, line);
    }
    const now = Date.now();
    const { encodeRecord: encode, checkRecord: check } = this.options.handlers;
    let encoded: string | undefined;
    if (encode !== undefined || check !== undefined) {
      const context = stream.encodeContext;
      context.record = record;
      context.message = message.message;
      context.line = line;
      context.receivedAt = now;
      let checked: unknown;
      try {
        checked = check?.(context);
        encoded = encode?.(context);
      } catch (error) {
        return this.rejectRecord(
          stream.name,
          'ERR_RECORD_REJECTED',
          `was rejected by the destination: ${describeError(error)}`,
          text,
          line,
        );
      }
      if (checked !== undefined) throw notSynchronous(checked);
    }
    // Honest size either way: the UTF-8 bytes of the line as read, not a re-serialisation or the encoded text.
    this.bufferedBytes +=
      encoded === undefined
        ? batch.addLine(raw.buffer, raw.start, raw.end, line, now)
        : batch.addEncoded(encoded, raw.bytes, line, now);
    const { batchSizeRows, batchWaitLimitMs, maxBatchBytes } = this.options.settings;
    if (batch.size === 1) {
      batch.checkpoint = this.ledger.open(line);
      if (batchWaitLimitMs !== undefined) this.startTimer(stream, batchWaitLimitMs);
    } else batch.checkpoint!.extend(line);
    if (batchSizeRows !== undefined && batch.size >= batchSizeRows) {
      this.flush(stream);
      return this.throttle();
    }
    if (this.bufferedBytes + this.ledger.pendingStateBytes > maxBatchBytes) return this.reduceMemory();
    return undefined;
  }

  private rejectRecord(
    stream: string,
    code: ErrorCode,
    problem: string,
    text: string,
    line: number,
  ): undefined {
    const { invalidRecordPolicy } = this.options.settings;
    const where = `${this.options.inputName} line ${line}: RECORD for stream "${stream}"`;
    if (invalidRecordPolicy === 'fail') {
      throw new InputError(
        code,
        `${where} ${problem}. Fix the tap, or set invalid_record_policy to "skip" or "dead_letter" to load the other records.`,
        { line, stream },
      );
    }
    this.summary.invalidRecords[stream] = (this.summary.invalidRecords[stream] ?? 0) + 1;
    if (invalidRecordPolicy === 'dead_letter')
      this.deadLetter!.write({ line, stream, code, error: problem }, text);
    this.options.logger.warn(
      { line, stream, code },
      `${where} ${problem}; ${invalidRecordPolicy === 'skip' ? 'skipped' : 'written to the dead-letter file'}`,
    );
    return undefined;
  }

  private async handleSchema(
    message: Extract<SingerMessage, { type: 'SCHEMA' }>,
    line: number,
  ): Promise<void> {
    const { stream: name, schema, keyProperties } = message;
    const existing = this.streams.get(name);
    const schemaKey = JSON.stringify([schema, keyProperties]);
    const changed = existing === undefined || existing.schemaKey !== schemaKey;
    const { handlers, settings, inputName } = this.options;
    let validate = existing?.validate;
    if (changed && settings.validateRecords) {
      validate = compileRecordValidator(this.ajv, schema, { stream: name, line, source: inputName });
    }
    const extras =
      settings.extraProperties === 'ignore'
        ? undefined
        : changed
          ? new ExtraPropertyFinder(schema)
          : existing?.extras;
    // Records read under the old schema are exported under it before anything changes.
    if (existing !== undefined && changed) this.flush(existing);
    if (changed || handlers.onSchema !== undefined) await this.drain();
    const previous = existing && { schema: existing.schema, keyProperties: existing.keyProperties };
    if (existing === undefined) {
      this.streams.set(name, {
        name,
        schema,
        keyProperties,
        schemaKey,
        validate,
        extras,
        batch: new StreamBatch(this.encodes),
        encodeContext: this.newEncodeContext(name, schema, keyProperties),
        batchesExported: 0,
        timer: undefined,
      });
    } else if (changed) {
      Object.assign(existing, { schema, keyProperties, schemaKey, validate, extras });
      existing.encodeContext = this.newEncodeContext(name, schema, keyProperties);
    }
    if (handlers.onSchema === undefined) return;
    try {
      await handlers.onSchema({
        config: this.options.config,
        logger: this.options.logger,
        stream: name,
        schema,
        keyProperties,
        bookmarkProperties: message.bookmarkProperties,
        line,
        previous,
      });
    } catch (error) {
      throw new HandlerError(
        'ERR_HANDLER_FAILED',
        `${inputName} line ${line}: @OnSchema for stream "${name}" failed: ${describeError(error)}`,
        error,
        { line, stream: name },
      );
    }
  }

  private handleState(value: unknown, line: number): Promise<void> | undefined {
    if (isEmptyState(value)) {
      this.options.logger.debug(
        { line },
        `${this.options.inputName} line ${line}: empty STATE not written (nothing to checkpoint)`,
      );
      return undefined;
    }
    this.ledger.addState(line, stringifyJson(value));
    if (this.ledger.hasReleasable()) this.enqueue(() => this.releaseStates());
    if (this.ledger.pendingStateBytes > this.options.settings.maxBatchBytes) return this.reduceMemory();
    return this.queuedTasks > MAX_QUEUED_TASKS ? this.drain() : undefined;
  }

  private async handleActivateVersion(
    message: Extract<SingerMessage, { type: 'ACTIVATE_VERSION' }>,
    line: number,
  ): Promise<void> {
    const { inputName, handlers, logger, config } = this.options;
    const stream = this.streams.get(message.stream);
    if (stream === undefined) {
      throw new InputError(
        'ERR_INVALID_ACTIVATE_VERSION',
        `${inputName} line ${line}: ACTIVATE_VERSION for stream "${message.stream}" arrived before its SCHEMA. ` +
          `Send a SCHEMA message for "${message.stream}" first.`,
        { line, stream: message.stream },
      );
    }
    this.flush(stream);
    await this.drain();
    if (handlers.onActivateVersion === undefined) {
      logger.debug(
        { line, stream: stream.name },
        'ACTIVATE_VERSION ignored: the destination has no @OnActivateVersion',
      );
      return;
    }
    try {
      await handlers.onActivateVersion({
        config,
        logger,
        stream: stream.name,
        version: message.version,
        line,
        schema: stream.schema,
        keyProperties: stream.keyProperties,
      });
    } catch (error) {
      throw new HandlerError(
        'ERR_HANDLER_FAILED',
        `${inputName} line ${line}: @OnActivateVersion for stream "${stream.name}" failed: ${describeError(error)}`,
        error,
        { line, stream: stream.name },
      );
    }
  }

  private newEncodeContext(
    stream: string,
    schema: JsonSchema,
    keyProperties: string[],
  ): MutableEncodeContext {
    const { config } = this.options;
    return { config, stream, schema, keyProperties, record: {}, message: undefined!, line: 0, receivedAt: 0 };
  }

  /** Takes the stream's buffered records out (synchronously) and queues their export. */
  private flush(stream: StreamEntry): void {
    const batch = stream.batch;
    if (batch.size === 0) return;
    stream.batch = new StreamBatch(this.encodes);
    clearTimeout(stream.timer);
    stream.timer = undefined;
    this.bufferedBytes -= batch.bytes;
    const batchNumber = ++this.summary.batches;
    const streamBatchNumber = ++stream.batchesExported;
    const { schema, keyProperties, name } = stream;
    batch.extraProperties?.warn(this.options.logger, name);
    let markDone!: () => void;
    const entry: InFlightBatch = {
      done: new Promise((resolve) => (markDone = resolve)),
    };
    this.inFlight.push(entry);
    this.enqueue(async () => {
      try {
        // After a failure or a closed stdout, a queued batch is dropped: its records are past the last state.
        // The finally still runs, so a reader waiting for this batch's slot is never left hanging.
        if (!this.halted) {
          await this.exportBatch(name, batch, schema, keyProperties, batchNumber, streamBatchNumber);
          this.ledger.settle(batch.checkpoint!);
        }
      } finally {
        const bytes = batch.bytes;
        batch.release();
        if (bytes >= GC_AFTER_BYTES) collectGarbage();
        this.inFlight.splice(this.inFlight.indexOf(entry), 1);
        markDone();
      }
      await this.releaseStates();
    });
  }

  private async exportBatch(
    stream: string,
    batch: StreamBatch,
    schema: JsonSchema,
    keyProperties: string[],
    batchNumber: number,
    streamBatchNumber: number,
  ): Promise<void> {
    const started = performance.now();
    const { lines } = batch;
    const firstLine = lines[0]!;
    const lastLine = lines[lines.length - 1]!;
    const count = lines.length;
    const context = createBatchContext(batch, {
      config: this.options.config,
      logger: this.options.logger,
      stream,
      schema,
      keyProperties,
      batchNumber,
      streamBatchNumber,
    });
    try {
      await this.options.handlers.exportBatch(context);
    } catch (error) {
      throw new HandlerError(
        'ERR_EXPORT_FAILED',
        `Export of batch ${batchNumber} failed (stream "${stream}", ${count} records from ` +
          `${this.options.inputName} lines ${firstLine}-${lastLine}): ${describeError(error).replace(/\.+$/, '')}. No STATE after ` +
          'the records of this batch was written; fix the cause and rerun from the last emitted state.',
        error,
        { stream, line: firstLine },
        { stream, batchNumber, firstLine, lastLine, records: count },
      );
    }
    this.summary.records[stream] = (this.summary.records[stream] ?? 0) + count;
    this.options.observeBatch?.(context);
    this.options.onBatchExported?.({
      stream,
      batchNumber,
      records: count,
      bytes: batch.bytes,
      firstLine,
      lastLine,
      durationMs: performance.now() - started,
    });
  }

  /** True once nothing more may be exported or written: the run failed, or stdout's reader went away. */
  private get halted(): boolean {
    return this.failure !== undefined || this.stopRequested === 'output-closed';
  }

  /** Runs tasks (exports, state writes) one after another; each checks `halted` itself. */
  private enqueue(task: () => Promise<void>): void {
    this.queuedTasks++;
    this.chain = this.chain
      .then(task)
      .catch((error: unknown) => this.fail(error))
      .finally(() => this.queuedTasks--);
  }

  /** Writes the newest state the watermark has passed, if any. Runs inside the task chain, so in order. */
  private async releaseStates(): Promise<void> {
    // Once the run has failed nothing more is written, even a state whose own records did get exported; and
    // stdout reports EPIPE once, as an 'error' event, then neither closes nor drains: never wait on it again.
    if (this.halted) return;
    const text = this.ledger.release();
    if (text === undefined) return;
    this.deadLetter?.sync();
    try {
      await writeLine(this.options.output, text);
    } catch {
      this.requestStop('output-closed');
      return;
    }
    this.summary.statesEmitted++;
    await this.options.onState?.(text);
  }

  /** Waits until at most MAX_BATCHES_IN_FLIGHT exports are running or queued. */
  private async throttle(): Promise<void> {
    while (this.inFlight.length > MAX_BATCHES_IN_FLIGHT) await this.inFlight[0]!.done;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Brings buffered bytes back under the limit: flush the largest stream until under, then throttle. */
  private async reduceMemory(): Promise<void> {
    const limit = this.options.settings.maxBatchBytes;
    while (this.bufferedBytes + this.ledger.pendingStateBytes > limit) {
      let largest: StreamEntry | undefined;
      for (const stream of this.streams.values()) {
        if (stream.batch.size > 0 && (largest === undefined || stream.batch.bytes > largest.batch.bytes))
          largest = stream;
      }
      if (largest === undefined) {
        // Only pending states are left: they are released as the exports in flight finish.
        await this.drain();
        break;
      }
      this.flush(largest);
    }
    await this.throttle();
  }

  /** Waits for every queued task; throws the failure if one failed. */
  private async drain(): Promise<void> {
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  /** End of input: flush every stream (oldest records first), wait, and write the last safe state. */
  private async finish(): Promise<void> {
    const streams = [...this.streams.values()].sort((a, b) => a.batch.firstLine - b.batch.firstLine);
    for (const stream of streams) this.flush(stream);
    this.enqueue(() => this.releaseStates());
    await this.drain();
  }

  private startTimer(stream: StreamEntry, ms: number): void {
    clearTimeout(stream.timer);
    stream.timer = setTimeout(() => {
      stream.timer = undefined;
      this.flush(stream);
    }, ms);
  }

  private stopTimers(): void {
    for (const stream of this.streams.values()) {
      clearTimeout(stream.timer);
      stream.timer = undefined;
    }
  }

  private requestStop(reason: 'signal' | 'output-closed'): void {
    this.stopRequested ??= reason;
    this.reader?.close();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.stopTimers();
    this.reader?.close();
  }
}
