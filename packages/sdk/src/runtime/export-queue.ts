import { collectGarbage } from './collect-garbage';
import type { CheckpointLedger } from './checkpoint-ledger';
import type { StreamBatch } from './stream-batch';

// One batch may export while the next fills (reading overlaps a database's work on the previous batch); a
// second full batch waits. So at most two batches' worth of records are in memory. With an encode stage on
// threads a sealed batch is first encoded, and its export can only start after that: one more batch may then be
// in flight (see ExportQueueOptions.encodesOnThreads), three batches' worth (README: "Batches").
const MAX_BATCHES_IN_FLIGHT = 1;
// STATE-only tasks are tiny, but a tap can send one per record while stdout is slow: wait past this many.
const MAX_QUEUED_TASKS = 1000;
// A collection (see collect-garbage.ts) follows each time this many bytes of batches were exported since the last
// one: after every batch of the SDK's 100 MB or dest-postgres's 20 MB, every other one of dest-csv's 10 MB, every
// few of a small limit's, never after each of thousands of tiny ones. (It was "after a batch of 16 MB or more":
// runs with smaller batches never collected, and their old generation grew with the input: resources test.)
const COLLECT_EVERY_BYTES = 16 * 1024 * 1024;

/** What the queue runs and whom it tells. */
export interface ExportQueueOptions {
  ledger: CheckpointLedger;
  /** Exports one batch; resolves once the destination stored it. */
  exportBatch: (batch: StreamBatch) => Promise<void>;
  /** Writes the newest state the ledger releases, if any (see state-writer.ts). */
  releaseStates: () => Promise<void>;
  /** True once nothing more may be exported or written (the run failed, or stdout's reader went away). */
  halted: () => boolean;
  /** A task failed: the run stops. */
  onFailure: (error: unknown) => void;
  /** The failure that ended the run, if any. */
  failure: () => unknown;
  /**
   * Sealed batches are encoded on threads before their export: one more batch may be in flight, so that a batch
   * exports while the next is encoded and the one after it is read. With one, reading waited at each seal for
   * the previous batch's whole export (its encoding had just ended, as long as reading a batch takes), so a
   * database's COPY never overlapped the reading.
   */
  encodesOnThreads?: boolean;
}

/**
 * Runs exports and state writes one after another, in the order they were queued, and gives the reader
 * back-pressure: {@link ExportQueue.throttle} waits while more than one batch (two when they are encoded on
 * threads first) is queued, encoding or exporting. A batch
 * whose export succeeded is settled in the ledger, then the states it held back are released. After a failure
 * (or a closed stdout) queued batches are dropped: their records are past the last state written.
 *
 * @example
 * ```ts
 * queue.push(batch);       // exported after the batches before it
 * await queue.throttle();  // the reader waits here when exports fall behind
 * await queue.drain();     // everything queued has run; throws the failure if one failed
 * ```
 */
export class ExportQueue {
  private chain: Promise<void> = Promise.resolve();
  private queuedTasks = 0;
  /** Batches queued or exporting, oldest first, with a promise that resolves when each is done. */
  private readonly inFlight: { done: Promise<void> }[] = [];
  /** Bytes of the batches exported since the last collection. */
  private exportedSinceCollection = 0;

  constructor(private readonly options: ExportQueueOptions) {}

  /** Queues a flushed batch's export. */
  push(batch: StreamBatch): void {
    let markDone!: () => void;
    const entry = { done: new Promise<void>((resolve) => (markDone = resolve)) };
    this.inFlight.push(entry);
    const { ledger, exportBatch, releaseStates, halted } = this.options;
    this.enqueue(async () => {
      try {
        // The finally still runs for a dropped batch, so a reader waiting for this batch's slot is never left hanging.
        if (!halted()) {
          await exportBatch(batch);
          ledger.settle(batch.checkpoint!);
        }
      } finally {
        // Encode threads may still read the batch's memory (a dropped batch, a part after a failed one).
        if (batch.encoding !== undefined) await batch.encoding.catch(() => undefined);
        this.exportedSinceCollection += batch.bytes;
        batch.release();
        if (this.exportedSinceCollection >= COLLECT_EVERY_BYTES) {
          this.exportedSinceCollection = 0;
          collectGarbage();
        }
        this.inFlight.splice(this.inFlight.indexOf(entry), 1);
        markDone();
      }
      await releaseStates();
    });
  }

  /** Queues a state release (after the tasks already queued). */
  pushStateRelease(): void {
    this.enqueue(this.options.releaseStates);
  }

  /** Too many tiny tasks are queued (one STATE per record while stdout is slow): the reader should drain. */
  get backlogged(): boolean {
    return this.queuedTasks > MAX_QUEUED_TASKS;
  }

  /** Waits until at most one batch (two on encode threads) is queued or exporting; throws the run's failure. */
  async throttle(): Promise<void> {
    const limit = MAX_BATCHES_IN_FLIGHT + (this.options.encodesOnThreads === true ? 1 : 0);
    while (this.inFlight.length > limit) await this.inFlight[0]!.done;
    this.throwFailure();
  }

  /** Waits for every queued task; throws the run's failure if there is one. */
  async drain(): Promise<void> {
    await this.chain;
    this.throwFailure();
  }

  /** Waits for every queued task, never throwing (a failed run lets a running export finish). */
  async settled(): Promise<void> {
    await this.chain;
  }

  private throwFailure(): void {
    const failure = this.options.failure();
    if (failure !== undefined) throw failure;
  }

  private enqueue(task: () => Promise<void>): void {
    this.queuedTasks++;
    this.chain = this.chain
      .then(task)
      .catch((error: unknown) => this.options.onFailure(error))
      .finally(() => this.queuedTasks--);
  }
}
