import type { Logger } from 'pino';
import type { RunSummary } from '../contexts';
import { ExtraPropertyNote } from './extra-properties';
import type { CheckpointLedger } from './checkpoint-ledger';
import type { ExportQueue } from './export-queue';
import type { LineCursor } from './line-reader';
import type { RunSettings } from './settings';
import { StreamBatch } from './stream-batch';
import type { StreamDefinition } from './stream-registry';

/** One stream's records waiting to be flushed, and its age timer. */
interface StreamBuffer {
  batch: StreamBatch;
  timer: NodeJS.Timeout | undefined;
  batchesFlushed: number;
}

/**
 * Buffers records per stream and decides when a stream's batch goes to the export queue: when it holds
 * `batch_size_rows` records, when buffered bytes (and held states) pass the memory limit (largest stream first),
 * when its oldest record waited `batch_wait_limit_seconds`, before a schema change or ACTIVATE_VERSION of its
 * stream, and at the end of input. Each batch opens its entry in the checkpoint ledger with its first record.
 *
 * @example
 * ```ts
 * const wait = batcher.add(stream, cursor, line, Date.now()); // may flush
 * if (wait) await wait; // back-pressure: exports are behind, or memory is being brought back under the limit
 * ```
 */
export class Batcher {
  private readonly buffers = new Map<string, StreamBuffer>();
  /** UTF-8 bytes of the buffered RECORD lines (what maximum_batch_size_mb counts). */
  private bufferedBytes = 0;
  /** Bytes of the blocks the buffered batches hold: what they really cost in memory. */
  private heldBytes = 0;

  constructor(
    private readonly options: {
      settings: RunSettings;
      ledger: CheckpointLedger;
      queue: ExportQueue;
      summary: RunSummary;
      logger: Logger;
      /** Called with each batch as it is sealed, before it is queued (the encode stage starts on it). */
      seal: ((batch: StreamBatch) => void) | undefined;
      /**
       * Whether batches keep their lines in shared memory, for worker threads to read in place. Default: when
       * `seal` is set; the loop says false when its encode stage encodes on the main thread (copying into shared
       * memory is slower, see byte-arena.ts).
       */
      sharedLines?: boolean;
      /** Names a record's line from its place (a BATCH file's records have places, not stdin lines). */
      describeLine?: (line: number) => string;
    },
  ) {}

  /**
   * Buffers one accepted record, its line as read under the cursor, or its `encoded` text when its encoder
   * encodes as records are read; `extras` are its undeclared properties, noted for the batch's one warning;
   * `exact`: the line holds a number a double cannot hold (its parse said so). Returns a promise to wait for
   * when the record caused a flush.
   */
  add(
    stream: StreamDefinition,
    raw: LineCursor,
    line: number,
    now: number,
    extras?: readonly string[],
    encoded?: string,
    exact = true,
  ): Promise<void> | undefined {
    const buffer = this.bufferOf(stream.name);
    const batch = buffer.batch;
    const { batchSizeRows, batchWaitLimitMs } = this.options.settings;
    if (batch.size === 0) {
      const { name, schema, keyProperties, state: streamState, encoder } = stream;
      batch.facts = { stream: name, schema, keyProperties, streamState, encoder };
      batch.checkpoint = this.options.ledger.open(line);
      if (batchWaitLimitMs !== undefined) this.startTimer(stream.name, buffer, batchWaitLimitMs);
    } else batch.checkpoint!.extend(line);
    if (extras !== undefined) (batch.extraProperties ??= new ExtraPropertyNote()).add(extras, line);
    const held = batch.held;
    this.bufferedBytes +=
      encoded === undefined
        ? batch.addLine(raw.buffer, raw.start, raw.end, line, now, exact)
        : batch.addEncoded(encoded, raw.end - raw.start, line, now);
    this.heldBytes += batch.held - held;
    if (batchSizeRows !== undefined && batch.size >= batchSizeRows) {
      this.flush(stream.name);
      return this.options.queue.throttle();
    }
    return this.overBudget() ? this.reduceMemory() : undefined;
  }

  /**
   * Whether buffered records and held states pass the limit: the records' line bytes, or the memory their
   * batches hold, whichever is more (many streams of a few records each hold more than their lines).
   */
  overBudget(): boolean {
    const records = Math.max(this.bufferedBytes, this.heldBytes);
    return records + this.options.ledger.pendingStateBytes > this.options.settings.maxBatchBytes;
  }

  /** Takes the stream's buffered records out (synchronously) and queues their export. */
  flush(name: string): void {
    const buffer = this.buffers.get(name);
    if (buffer === undefined || buffer.batch.size === 0) return;
    const batch = buffer.batch;
    buffer.batch = this.newBatch();
    clearTimeout(buffer.timer);
    buffer.timer = undefined;
    this.bufferedBytes -= batch.bytes;
    this.heldBytes -= batch.held;
    batch.batchNumber = ++this.options.summary.batches;
    batch.streamBatchNumber = ++buffer.batchesFlushed;
    batch.extraProperties?.warn(this.options.logger, name, this.options.describeLine);
    batch.sealedAt = Date.now();
    this.options.seal?.(batch);
    this.options.queue.push(batch);
  }

  /** End of input: flush every stream, oldest records first. */
  flushAll(): void {
    const buffers = [...this.buffers].sort(([, a], [, b]) => a.batch.firstLine - b.batch.firstLine);
    for (const [name] of buffers) this.flush(name);
  }

  /** Brings buffered bytes back under the limit: flush the largest stream until under, then throttle. */
  async reduceMemory(): Promise<void> {
    while (this.overBudget()) {
      let largest: [string, StreamBuffer] | undefined;
      let largestCost = 0;
      for (const entry of this.buffers) {
        const batch = entry[1].batch;
        const cost = Math.max(batch.bytes, batch.held);
        if (batch.size > 0 && (largest === undefined || cost > largestCost)) {
          largest = entry;
          largestCost = cost;
        }
      }
      if (largest === undefined) {
        // Only held states are left: they are released as the exports in flight finish.
        await this.options.queue.drain();
        break;
      }
      this.flush(largest[0]);
    }
    await this.options.queue.throttle();
  }

  stopTimers(): void {
    for (const buffer of this.buffers.values()) {
      clearTimeout(buffer.timer);
      buffer.timer = undefined;
    }
  }

  private bufferOf(name: string): StreamBuffer {
    let buffer = this.buffers.get(name);
    if (buffer === undefined) {
      buffer = { batch: this.newBatch(), timer: undefined, batchesFlushed: 0 };
      this.buffers.set(name, buffer);
    }
    return buffer;
  }

  /** Only a batch whose lines encode threads read needs shared memory. */
  private newBatch(): StreamBatch {
    return new StreamBatch({ shared: this.options.sharedLines ?? this.options.seal !== undefined });
  }

  private startTimer(name: string, buffer: StreamBuffer, ms: number): void {
    clearTimeout(buffer.timer);
    buffer.timer = setTimeout(() => {
      buffer.timer = undefined;
      this.flush(name);
    }, ms);
  }
}
