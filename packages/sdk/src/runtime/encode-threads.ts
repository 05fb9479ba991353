import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EncoderModule } from '../encoder';
import { SdkError } from '../errors';
import { rebuildError, type EncodeRequest, type PartReply, type PartRequest } from './encode-protocol';

/** A part's answer when it was encoded (a failure rejects instead). */
export type EncodedReply = Exclude<PartReply, { failure: unknown }>;

// An encode thread's garbage is short-lived (one record's objects and text at a time): a small young generation
// kept dest-csv's peak memory 30-40 MB lower than V8's default in the benchmark, at the same speed.
const WORKER_YOUNG_GENERATION_MB = 4;

interface Waiting {
  resolve(reply: EncodedReply): void;
  reject(error: Error): void;
}

/**
 * The main thread's handle on one encode thread (encode-worker.ts). Parts are answered in the order they were
 * sent. Only a part in progress keeps the process alive; an idle thread never does.
 *
 * @example
 * ```ts
 * const thread = new EncodeThread(encoder);
 * thread.post({ type: 'encoder', id: 1, stream: 'users', facts });
 * const reply = await thread.run(partRequest);
 * await thread.terminate();
 * ```
 */
export class EncodeThread {
  /** Ids of the stream encoders this thread was sent the facts of. */
  readonly known = new Set<number>();
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private failure: Error | undefined;

  constructor(encoder: EncoderModule) {
    this.worker = new Worker(join(__dirname, 'encode-worker.js'), {
      workerData: { encoder },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.worker.unref();
    this.worker.on('message', (reply: PartReply) => this.settle(reply));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => {
      this.failAll(
        new SdkError(
          'ERR_HANDLER_FAILED',
          `An encode thread stopped unexpectedly (exit code ${code}). Rerun from the last emitted state; set ` +
            'encode_threads to 0 to encode on the main thread.',
        ),
      );
    });
  }

  /** Sends facts or a drop; throws when they cannot be cloned. */
  post(request: EncodeRequest): void {
    this.worker.postMessage(request);
  }

  /** Encodes a part; resolves with the thread's answer, rejects when the thread failed. */
  run(request: PartRequest): Promise<EncodedReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(request.job, { resolve, reject });
      if (this.waiting.size === 1) this.worker.ref();
      this.post(request);
    });
  }

  /** Stops the thread; parts still waiting are rejected. */
  async terminate(): Promise<void> {
    this.failure ??= new SdkError('ERR_HANDLER_FAILED', 'The encode thread was stopped.');
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
    this.failAll(this.failure);
  }

  private settle(reply: PartReply): void {
    const waiting = this.waiting.get(reply.job);
    if (waiting === undefined) return;
    this.waiting.delete(reply.job);
    if (this.waiting.size === 0) this.worker.unref();
    if ('failure' in reply) waiting.reject(rebuildError(reply.failure));
    else waiting.resolve(reply);
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
