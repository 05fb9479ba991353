import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = (options: { type: 'major'; execution: 'async' }) => void;

let gc: GcFunction | undefined | null = null;
let enabled = false;

/** Turns the collections on; only process tuning does (an embedding program's V8 flags are left alone). */
export function enableGarbageCollection(): void {
  enabled = true;
}

/** Whether {@link collectGarbage} does anything in this process. */
export function garbageCollectionEnabled(): boolean {
  return enabled;
}

/**
 * Asks V8 for a background major collection. Called after every 16 MB of exported batches (export-queue.ts),
 * once their memory is released.
 *
 * Why: the loop's own garbage (chunks and lines that happened to be alive during a young-generation collection)
 * is promoted and then dies in the old generation, which V8 collects only when the heap has grown well past the
 * live set. Over a long run that kept peak memory ~100 MB above what the batch limit promises. One asynchronous
 * collection per 16 MB of exported batches costs a few milliseconds and keeps the peak at the limit.
 * `--expose-gc` set at run time makes `gc` available in a new context without a command-line flag.
 */
export function collectGarbage(): void {
  if (!enabled) return;
  if (gc === null) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as GcFunction;
    } catch {
      gc = undefined;
    }
  }
  gc?.({ type: 'major', execution: 'async' });
}
