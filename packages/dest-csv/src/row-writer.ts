import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BatchLines } from './batch-rows';
import { CsvError, isCsvErrorCode } from './csv-error';
import type { ColumnPlan } from './flatten';
import type { ExtraReport } from './row-encoder';
import type { BatchReply, BatchRequest, RowRequest, RowSettings } from './row-thread';

/** A batch for {@link RowWriter.write}: the thread appends the rows of its first `count` records to `fd`. */
export interface RowBatch extends BatchLines {
  stream: string;
  /** The open file's descriptor (opened with O_APPEND). */
  fd: number;
  count: number;
}

// The thread's garbage is short-lived (one record's objects and row at a time): a small young generation kept
// peak memory 30-40 MB lower than V8's default in the benchmark, at the same speed.
const WORKER_YOUNG_GENERATION_MB = 4;

interface Waiting {
  resolve(result: { written: number; extras: ExtraReport | undefined }): void;
  reject(error: Error): void;
}

/**
 * The main thread's handle on the row-writing thread (`row-worker.ts`): encoding rows is most of dest-csv's work,
 * and on the main thread it would wait behind reading and validation. One batch is written at a time (the SDK
 * exports one at a time), so rows land in the file in input order.
 *
 * @example
 * ```ts
 * const writer = new RowWriter({ dialect, encoding: 'utf-8', escapeFormulas: false, runStartedAtUs: undefined });
 * writer.defineStream('users', plan);
 * const { written } = await writer.write({ stream: 'users', fd, count: 100, lines, lineNumbers, receivedAt, batchedAt });
 * await writer.close();
 * ```
 */
export class RowWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(settings: RowSettings) {
    this.worker = new Worker(join(__dirname, 'row-worker.js'), {
      workerData: settings,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    // Only a write in progress keeps the process alive (see write); an idle thread never does.
    this.worker.unref();
    this.worker.on('message', (reply: BatchReply) => this.settle(reply));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => {
      this.failAll(
        new CsvError('ERR_CSV_WORKER', `the row-writing thread stopped unexpectedly (exit code ${code})`),
      );
    });
  }

  /** Sets the stream's columns for the batches written after this call. */
  defineStream(stream: string, plan: ColumnPlan): void {
    this.post({ type: 'stream', stream, plan });
  }

  /** Writes the batch's rows to `fd`; resolves with the bytes written and the properties left out. */
  write(batch: RowBatch): Promise<{ written: number; extras: ExtraReport | undefined }> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    // Plain arrays would be cloned element by element; typed arrays are copied as one block.
    const request: BatchRequest = {
      ...batch,
      type: 'batch',
      id,
      lineNumbers: Float64Array.from(batch.lineNumbers),
      receivedAt: Float64Array.from(batch.receivedAt),
    };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) this.worker.ref();
      this.post(request);
    });
  }

  /** Stops the thread (after the last write has been answered). */
  async close(): Promise<void> {
    this.failure ??= new CsvError('ERR_CSV_WORKER', 'the row-writing thread was closed');
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private post(request: RowRequest): void {
    this.worker.postMessage(request);
  }

  private settle(reply: BatchReply): void {
    const waiting = this.waiting.get(reply.id);
    if (waiting === undefined) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if ('error' in reply) {
      // The thread's error keeps its class and code across the thread boundary (structured clone drops both).
      const { message, code } = reply.error;
      if (isCsvErrorCode(code)) waiting.reject(new CsvError(code, message));
      else waiting.reject(Object.assign(new Error(message), code === undefined ? {} : { code }));
    } else {
      waiting.resolve({ written: reply.written, extras: reply.extras });
    }
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
