import type { Logger } from 'pino';
import type { RecordMessage } from '../contexts';
import type { EncodeMeta, EncoderFactory, EncoderModule, RecordEncoder } from '../encoder';
import { HandlerError, SdkError, describeError } from '../errors';
import { encodeLines, type PartLines } from './encode-lines';
import { rebuildError } from './encode-protocol';
import { EncodeThread, type EncodedReply } from './encode-threads';
import type { LineBytes } from './line-bytes';
import { buildStreamEncoder, loadEncoderFactory } from './load-encoder';
import type { BoundHandlers } from './bind-handlers';
import { defaultEncodeThreads, type RunSettings } from './settings';
import type { StreamBatch } from './stream-batch';

/** A stream's encoder as the stage knows it: its facts (a structured clone of what `@EncodeWith` returned). */
export interface EncoderHandle {
  readonly id: number;
  readonly stream: string;
  readonly facts: unknown;
}

/** What a sealed batch was encoded to, before the invalid-record policy saw the records its encoder refused. */
export interface EncodedBatch {
  chunks: Buffer[];
  notes: unknown[];
  /** By index in the batch, in order; each error as the encoder threw it (rebuilt when it crossed a thread). */
  rejected: { index: number; error: unknown }[];
}

/** A batch is split into at most one part per thread, but no part smaller than this (posting costs too). */
const MIN_PART_RECORDS = 512;

/**
 * The SDK's encode stage (`@EncodeWith`): when a batch is sealed, its records are encoded by the stream's
 * encoder, on worker threads (split into one run of records per thread) while the main thread reads on, or with
 * no threads on the main thread. The result waits on the batch for its export, which first hands the refused
 * records to the invalid-record policy. A batch's memory is released only after every part of it was answered.
 *
 * @example
 * ```ts
 * const stage = new EncodeStage({ encoder, threads: 1, failFast: true, logger });
 * const handle = stage.register('users', facts); // after @OnSchema
 * stage.start(batch);                            // when the batch is sealed: sets batch.encoding
 * const { chunks, rejected } = await batch.encoding!;
 * await stage.close();
 * ```
 */
export class EncodeStage {
  private nextId = 1;
  private nextJob = 1;
  /** The thread the next batch's first part goes to (single-part batches take turns). */
  private turn = 0;
  private readonly current = new Map<string, EncoderHandle>();
  private threads: EncodeThread[] | undefined;
  private factory: EncoderFactory | undefined;
  private readonly inline = new Map<number, RecordEncoder>();
  /** What {@link EncodeStage.encodeAsRead} tells the encoder (one object for every record, as the contract says). */
  private readonly meta: { -readonly [K in keyof EncodeMeta]: EncodeMeta[K] } = {
    message: undefined!,
    line: 0,
    receivedAt: 0,
    batchedAt: Number.NaN,
  };

  /**
   * Whether records are encoded as they are read ({@link EncodeStage.encodeAsRead}), from the record parsed to
   * validate it: with no threads and an encoder that does not use `batchedAt`, which is not known yet then. The
   * other ways parse each line again when its batch is sealed. Fixed for the run (the loop asks per record).
   */
  readonly encodesAsRead: boolean;
  /** Whether sealed batches' lines are read by worker threads (so must be in shared memory). */
  readonly readsOnThreads: boolean;

  constructor(
    private readonly options: {
      encoder: EncoderModule;
      /** Worker threads; 0 encodes on the main thread. */
      threads: number;
      /** The fail policy: a part stops at its first refused record. */
      failFast: boolean;
      logger: Logger;
    },
  ) {
    this.encodesAsRead = options.threads === 0 && options.encoder.usesBatchedAt === false;
    this.readsOnThreads = options.threads > 0;
  }

  /**
   * A stream's new encoder facts (its schema or state changed; its buffered records were flushed first). The
   * facts are cloned now, as a thread would receive them, so encoding on threads or not sees the same data.
   */
  register(stream: string, facts: unknown): EncoderHandle {
    let cloned: unknown;
    try {
      cloned = structuredClone(facts);
    } catch (error) {
      throw new HandlerError(
        'ERR_HANDLER_FAILED',
        `@EncodeWith for stream "${stream}" returned facts that cannot be sent to an encode thread ` +
          `(${describeError(error)}). Return plain data (objects, arrays, strings, numbers), not functions or class instances with behaviour.`,
        error,
        { stream },
      );
    }
    const handle = { id: this.nextId++, stream, facts: cloned };
    const previous = this.current.get(stream);
    this.current.set(stream, handle);
    if (previous !== undefined) {
      // Batches read under the previous encoder were sealed (and their parts sent) before this call.
      this.inline.delete(previous.id);
      for (const thread of this.threads ?? [])
        if (thread.known.delete(previous.id)) thread.post({ type: 'drop', id: previous.id });
    }
    return handle;
  }

  /**
   * Encodes one record as it is read (see {@link EncodeStage.encodesAsRead}); `batchedAt` is NaN. Returns its
   * text, or what the encoder threw for a record it refuses; throws the run's failure when the encoder cannot be
   * built, as {@link EncodeStage.start} would reject with it.
   */
  encodeAsRead(
    handle: EncoderHandle,
    message: RecordMessage,
    line: number,
    receivedAt: number,
  ): string | { refused: unknown } {
    const encoder = this.inlineEncoder(handle);
    this.meta.message = message;
    this.meta.line = line;
    this.meta.receivedAt = receivedAt;
    try {
      return encoder.encode(message.record, this.meta);
    } catch (error) {
      return { refused: error };
    }
  }

  /** Starts encoding a sealed batch; `batch.encoding` settles once every part of it is done. */
  start(batch: StreamBatch): void {
    const handle = batch.facts!.encoder!;
    let encoding: Promise<EncodedBatch>;
    try {
      encoding = batch.encodedAsRead
        ? this.takeEncodedAsRead(batch, handle)
        : this.options.threads === 0
          ? this.encodeInline(batch, handle)
          : this.encodeOnThreads(batch, handle);
    } catch (error) {
      encoding = Promise.reject(this.failureOf(error, handle.stream));
    }
    encoding.catch(() => undefined); // handled when the batch's export runs
    batch.encoding = encoding;
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    const threads = this.threads ?? [];
    this.threads = undefined;
    await Promise.all(threads.map((thread) => thread.terminate()));
  }

  /** The stream encoder of `handle` on the main thread, built on first use; throws the run's failure. */
  private inlineEncoder(handle: EncoderHandle): RecordEncoder {
    let encoder = this.inline.get(handle.id);
    if (encoder === undefined) {
      try {
        this.factory ??= loadEncoderFactory(this.options.encoder);
        const { logger } = this.options;
        encoder = buildStreamEncoder(this.factory, handle.stream, handle.facts, (f, m) => logger.warn(f, m));
      } catch (error) {
        throw this.failureOf(error, handle.stream);
      }
      this.inline.set(handle.id, encoder);
    }
    return encoder;
  }

  /** A batch encoded as read: its text, and the notes its encoder took meanwhile (one batch at a time fills). */
  private takeEncodedAsRead(batch: StreamBatch, handle: EncoderHandle): Promise<EncodedBatch> {
    const notes = this.inlineEncoder(handle).takeNotes?.();
    return Promise.resolve({
      chunks: batch.takeEncoded(),
      notes: notes === undefined ? [] : [notes],
      rejected: [],
    });
  }

  private encodeInline(batch: StreamBatch, handle: EncoderHandle): Promise<EncodedBatch> {
    const encoder = this.inlineEncoder(handle);
    const part = encodeLines(encoder, this.partOf(batch, 0, batch.size), this.options.failFast, (e) => e);
    return Promise.resolve({
      chunks: part.pieces,
      notes: part.notes === undefined ? [] : [part.notes],
      rejected: part.rejected,
    });
  }

  private encodeOnThreads(batch: StreamBatch, handle: EncoderHandle): Promise<EncodedBatch> {
    this.threads ??= Array.from(
      { length: this.options.threads },
      () => new EncodeThread(this.options.encoder),
    );
    const threads = this.threads;
    const size = batch.size;
    const count = Math.max(1, Math.min(threads.length, Math.ceil(size / MIN_PART_RECORDS)));
    const blocks = batch.arena.blockViews();
    const lengths = batch.arena.lengths();
    const parts: Promise<EncodedReply>[] = [];
    for (let p = 0; p < count; p++) {
      const from = Math.floor((size * p) / count);
      const to = Math.floor((size * (p + 1)) / count);
      const thread = threads[(this.turn + p) % threads.length]!;
      if (!thread.known.has(handle.id)) {
        thread.post({ type: 'encoder', id: handle.id, stream: handle.stream, facts: handle.facts });
        thread.known.add(handle.id);
      }
      const { block, offset } = batch.arena.startOf(from);
      // Copies of the part's slices only: posting a view would clone its whole underlying buffer.
      const lines: LineBytes = { blocks, lengths: lengths.slice(from, to), block, offset };
      parts.push(
        thread.run({
          type: 'part',
          job: this.nextJob++,
          encoder: handle.id,
          lines,
          first: from,
          lineNumbers: Float64Array.from(batch.lines.slice(from, to)),
          receivedAt: Float64Array.from(batch.receivedAt.slice(from, to)),
          exactNumbers: Uint8Array.from(batch.exactNumbers.slice(from, to)),
          batchedAt: batch.sealedAt,
          failFast: this.options.failFast,
        }),
      );
    }
    this.turn = (this.turn + count) % threads.length;
    return Promise.allSettled(parts).then((settled) => {
      const encoded: EncodedBatch = { chunks: [], notes: [], rejected: [] };
      for (const result of settled) {
        if (result.status === 'rejected') throw this.failureOf(result.reason, handle.stream);
        const { pieces, notes, rejected, warnings } = result.value;
        for (const { fields, message } of warnings) this.options.logger.warn(fields, message);
        for (const piece of pieces)
          encoded.chunks.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
        if (notes !== undefined) encoded.notes.push(notes);
        for (const { index, error } of rejected) encoded.rejected.push({ index, error: rebuildError(error) });
      }
      return encoded;
    });
  }

  private partOf(batch: StreamBatch, from: number, to: number): PartLines {
    const { block, offset } = batch.arena.startOf(from);
    return {
      lines: {
        blocks: batch.arena.blockViews(),
        lengths: batch.arena.lengths().subarray(from, to),
        block,
        offset,
      },
      first: from,
      lineNumbers: batch.lines,
      receivedAt: batch.receivedAt,
      exactNumbers: batch.exactNumbers,
      batchedAt: batch.sealedAt,
    };
  }

  /** A failure that is not a refused record (the encoder could not be built, a thread died): the run stops. */
  private failureOf(error: unknown, stream: string): Error {
    if (error instanceof SdkError) return error;
    const { module, export: name } = this.options.encoder;
    return new HandlerError(
      'ERR_HANDLER_FAILED',
      `The encoder of stream "${stream}" (${name} from ${module}) failed: ${describeError(error)}`,
      error,
      { stream },
    );
  }
}

/**
 * The run's encode stage, when the destination has `@EncodeWith`: `encode_threads` worker threads (default: the
 * cores but one; none on two cores for an encoder that can encode as read), or the main thread with 0.
 *
 * @example
 * ```ts
 * const stage = createEncodeStage(handlers, settings, logger); // undefined without @EncodeWith
 * ```
 */
export function createEncodeStage(
  handlers: Pick<BoundHandlers, 'encoder'>,
  settings: Pick<RunSettings, 'encodeThreads' | 'invalidRecordPolicy'>,
  logger: Logger,
): EncodeStage | undefined {
  if (handlers.encoder === undefined) return undefined;
  return new EncodeStage({
    encoder: handlers.encoder,
    threads:
      settings.encodeThreads ?? defaultEncodeThreads(undefined, handlers.encoder.usesBatchedAt === false),
    failFast: settings.invalidRecordPolicy === 'fail',
    logger,
  });
}
