import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import { SdkError } from '../errors';
import { stringifyJson } from '../json/exact-number';
import type { BatchContext, RunSummary } from '../contexts';
import { exportBatch, type BatchReport } from './batch-exporter';
import { InputPlaces } from './input-places';
import { BatchFileReader } from './batch-files';
import type { BatchMessage } from './batch-message';
import { BatchRecords } from './batch-records';
import { Batcher } from './batcher';
import type { BoundHandlers } from './bind-handlers';
import { CheckpointLedger } from './checkpoint-ledger';
import { ExportQueue } from './export-queue';
import { LineCursor, LineReader, readerFailureError } from './line-reader';
import { MageInput } from './mage-input';
import { parseMessage, type Message, type SingerMessage } from './parse-message';
import { RecordPipeline, REJECTED, type RecordOrigin } from './record-pipeline';
import { createEncodeStage, type EncodeStage } from './encode-stage';
import type { RunSettings } from './settings';
import { StateWriter } from './state-writer';
import { StreamRegistry } from './stream-registry';
import { StreamChanges } from './stream-changes';

export type { BatchReport };

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

function isEmptyState(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  return typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** The counts of a run that has not read anything yet. */
export function emptySummary(): RunSummary {
  return {
    records: {},
    invalidRecords: {},
    deviations: [],
    batches: 0,
    statesEmitted: 0,
    elapsedMs: 0,
    stoppedBy: 'end-of-input',
  };
}

/**
 * The one streaming loop every destination runs. It reads lines and routes each message; the jobs live in their
 * own modules: the record pipeline (checks, record hooks, invalid-record policy), the batcher (per-stream buffers,
 * when to flush), the export queue (order, back-pressure, halting), the checkpoint ledger (when a STATE may be
 * written: only once every record before it, in every stream, was exported) and the stream changes (SCHEMA and
 * ACTIVATE_VERSION).
 */
export class ProcessLoop {
  readonly summary: RunSummary = emptySummary();
  private readonly ledger = new CheckpointLedger();
  private readonly streams: StreamRegistry;
  private readonly pipeline: RecordPipeline;
  private readonly encodeStage: EncodeStage | undefined;
  private readonly queue: ExportQueue;
  private readonly batcher: Batcher;
  private readonly warnedTypes = new Set<string>();
  private readonly changes: StreamChanges;
  private failure: unknown = undefined;
  private stopRequested: 'signal' | 'output-closed' | undefined;
  private reader: LineReader | undefined;
  private readonly mage: MageInput | undefined;
  private readonly batchFiles: BatchFileReader;
  /** Where the record being handled was read (for messages); see {@link ProcessLoop.positionOf}. */
  private readonly origin: RecordOrigin = { line: 0, batchFile: undefined };
  /** Places in the input order taken by lines of BATCH messages' files so far. */
  private batchFileLines = 0;
  /** Which places batch files took, to name a record's file and line from its place at encode and export time. */
  private readonly places = new InputPlaces();

  constructor(private readonly options: LoopOptions) {
    const { settings, handlers, config, logger, inputName, output, onState } = options;
    const summary = this.summary;
    const halted = () => this.halted;
    this.mage = options.inputDialect === 'mage' ? new MageInput(logger, inputName) : undefined;
    const { validateRecords, strictValidation, jsonColumnsHoldAnyJson, extraProperties } = settings;
    this.streams = new StreamRegistry({
      validateRecords,
      strictValidation,
      jsonColumnsHoldAnyJson,
      extraProperties,
      inputName,
    });
    this.pipeline = new RecordPipeline({
      settings,
      logger,
      inputName,
      summary,
      origin: this.origin,
    });
    this.batchFiles = new BatchFileReader({
      inputName,
      maxLineBytes: settings.maxLineBytes,
      stopped: () => this.failure !== undefined || this.stopRequested !== undefined,
    });
    this.encodeStage = createEncodeStage(handlers, settings, logger);
    const states = new StateWriter({
      ledger: this.ledger,
      output,
      summary,
      onState,
      beforeWrite: () => this.pipeline.sync(),
      halted,
      onOutputClosed: () => this.requestStop('output-closed'),
    });
    const exportOptions = { ...options, summary, places: this.places };
    this.queue = new ExportQueue({
      ledger: this.ledger,
      // An encoded batch first hands the records its encoder refused to the policy (no extra tick otherwise).
      exportBatch: (batch) =>
        batch.encoding === undefined
          ? exportBatch(batch, exportOptions)
          : batch.encoding.then((encoded) => {
              this.pipeline.settleEncoded(batch, encoded, (position) => this.places.locate(position));
              batch.release(); // the lines as read are done with: the export holds only the encoded text
              return exportBatch(batch, exportOptions);
            }),
      releaseStates: states.release,
      halted,
      onFailure: (error) => this.fail(error),
      failure: () => this.failure,
      encodesOnThreads: this.encodeStage?.readsOnThreads ?? false,
    });
    const stage = this.encodeStage;
    this.batcher = new Batcher({
      settings,
      ledger: this.ledger,
      queue: this.queue,
      summary,
      logger,
      seal: stage && ((batch) => stage.start(batch)),
      sharedLines: stage?.readsOnThreads ?? false,
      describeLine: (line) => this.places.describe(line),
    });
    this.changes = new StreamChanges({
      handlers,
      config,
      logger,
      inputName,
      streams: this.streams,
      batcher: this.batcher,
      queue: this.queue,
      encodeStage: this.encodeStage,
    });
  }

  /** Runs the loop to the end of the input (or a stop request) and returns the counts. */
  async run(input: Readable): Promise<RunSummary> {
    const started = performance.now();
    const { signal, output, settings, inputName } = this.options;
    const reader = new LineReader(input, settings.maxLineBytes);
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
      if (this.stopRequested === undefined && reader.failure)
        throw readerFailureError(reader.failure, {
          inputName,
          line: lines + 1,
          maxLineBytes: settings.maxLineBytes,
        });
      if (this.stopRequested === 'output-closed') {
        await this.queue.drain(); // exports already started finish cleanly; no state can be written any more
      } else {
        // End of input (or a graceful stop): flush every stream and write the last safe state.
        this.changes.warnUnappliedVersions();
        this.batcher.flushAll();
        this.queue.pushStateRelease();
        await this.queue.drain();
      }
      if (this.stopRequested) this.summary.stoppedBy = this.stopRequested;
      return this.summary;
    } catch (error) {
      this.fail(error);
      // Let an export that is still running finish (it will not be followed by any state) before the caller
      // runs @AfterProcess, which closes the connections that export is using.
      await this.queue.settled();
      throw this.failure;
    } finally {
      this.batcher.stopTimers();
      signal?.removeEventListener('abort', onAbort);
      output.off('error', onOutputError);
      this.pipeline.close();
      await this.encodeStage?.close();
      this.summary.deviations = this.pipeline.deviations.entries();
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

  /** Routes the line under the cursor (used synchronously: the cursor moves on once this returns). */
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
        this.origin.line = line;
        this.origin.batchFile = undefined;
        return this.handleRecord(message, text, raw, this.positionOf(line));
      case 'SCHEMA':
        return this.changes.applySchema(message, line);
      case 'STATE':
        return this.handleState(message.value, line);
      case 'BATCH':
        return this.handleBatch(message, line);
      case 'ACTIVATE_VERSION':
        return this.changes.activateVersion(message, line);
      case 'UNKNOWN':
        this.warnUnknownType(message.rawType, line);
        return undefined;
    }
  }

  /**
   * A message's place in the input order, which the checkpoint ledger, `_sdc_sequence` and "the later record
   * wins" go by: its stdin line, shifted by the lines of BATCH messages' files read before it, since those records
   * take the places right after their BATCH line (so a STATE after a BATCH comes after all of its records). Without
   * BATCH messages it is the stdin line. Locations for messages are kept apart, in {@link ProcessLoop.origin}.
   */
  private positionOf(line: number): number {
    return line + this.batchFileLines;
  }

  private handleRecord(message: Message<'RECORD'>, text: string, raw: LineCursor, position: number) {
    const stream = this.streams.require(message.stream, 'RECORD', this.origin.line);
    if (this.pipeline.accept(stream, message, text, position) === REJECTED) return undefined;
    const now = Date.now();
    let encoded: string | undefined;
    if (this.encodeStage?.encodesAsRead === true) {
      // From the record just parsed and checked: its line is not parsed again when the batch is sealed.
      const result = this.encodeStage.encodeAsRead(stream.encoder!, message.message, position, now);
      if (typeof result !== 'string') {
        // Refused as it is read: named by where it was read, as a record the schema check refused.
        this.pipeline.rejectEncoded(stream.name, result.refused, text, position);
        return undefined;
      }
      encoded = result;
    }
    const { foundExtras } = this.pipeline;
    return this.batcher.add(stream, raw, position, now, foundExtras, encoded, message.hasExactNumbers);
  }

  /**
   * Reads a BATCH message's files, one record a line, through the same pipeline and batcher as RECORD lines; the
   * records take the places after the BATCH line (see {@link ProcessLoop.positionOf}).
   */
  private async handleBatch(message: BatchMessage, line: number): Promise<void> {
    this.streams.require(message.stream, 'BATCH', line); // before any file is opened
    const records = new BatchRecords(message);
    const first = this.positionOf(line);
    this.origin.line = line;
    this.origin.batchFile = this.batchFiles.location;
    try {
      const read = await this.batchFiles.read(
        message,
        line,
        (cursor, at) => {
          const { record, text } = records.read(cursor, at);
          return this.handleRecord(record, text, records.cursor, first + at.ordinal);
        },
        (at) => {
          this.places.forget(this.ledger.watermark());
          this.places.startFile(first + at.ordinal + 1, line, message.stream, at.file);
        },
      );
      this.places.endBatch(first + read);
      this.batchFileLines += read;
    } finally {
      this.origin.batchFile = undefined;
    }
  }

  private handleState(value: unknown, line: number): Promise<void> | undefined {
    const { logger, inputName, settings } = this.options;
    if (isEmptyState(value)) {
      logger.debug({ line }, `${inputName} line ${line}: empty STATE not written (nothing to checkpoint)`);
      return undefined;
    }
    this.ledger.addState(this.positionOf(line), stringifyJson(value));
    if (this.ledger.hasReleasable()) this.queue.pushStateRelease();
    if (this.ledger.pendingStateBytes > settings.maxBatchBytes) return this.batcher.reduceMemory();
    return this.queue.backlogged ? this.queue.drain() : undefined;
  }

  private warnUnknownType(type: string, line: number): void {
    if (this.warnedTypes.has(type)) return;
    this.warnedTypes.add(type);
    this.options.logger.warn(
      { line, type },
      `${this.options.inputName} line ${line}: skipping messages of unknown type ${JSON.stringify(type)} (the Singer spec allows new types; this warning is shown once per type)`,
    );
  }

  /** True once nothing more may be exported or written: the run failed, or stdout's reader went away. */
  private get halted(): boolean {
    return this.failure !== undefined || this.stopRequested === 'output-closed';
  }

  private requestStop(reason: 'signal' | 'output-closed'): void {
    this.stopRequested ??= reason;
    this.reader?.close();
    this.batchFiles.close();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.batcher.stopTimers();
    this.reader?.close();
    this.batchFiles.close();
  }
}
