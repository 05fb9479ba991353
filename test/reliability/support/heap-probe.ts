/**
 * Loaded into a bin with `NODE_OPTIONS=--require <this file>` (see `heapProbeEnv`): samples the main thread's V8
 * heap while the bin runs and writes the largest figures, in bytes, to the file named by HEAP_PROBE_FILE when the
 * process exits. Peak RSS says how much memory a run took; these say where it went (V8's young generation, its
 * old generation, ArrayBuffers such as the batch blocks).
 */
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';

/** The largest figures of one run, in bytes. */
export interface HeapPeaks {
  youngGeneration: number;
  oldGeneration: number;
  arrayBuffers: number;
}

const file = process.env.HEAP_PROBE_FILE;
if (isMainThread && file !== undefined) {
  const peaks: HeapPeaks = { youngGeneration: 0, oldGeneration: 0, arrayBuffers: 0 };
  const sample = () => {
    for (const space of getHeapSpaceStatistics()) {
      if (space.space_name === 'new_space')
        peaks.youngGeneration = Math.max(peaks.youngGeneration, space.space_size);
      if (space.space_name === 'old_space')
        peaks.oldGeneration = Math.max(peaks.oldGeneration, space.space_size);
    }
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, process.memoryUsage().arrayBuffers);
  };
  setInterval(sample, 10).unref();
  process.on('exit', () => {
    sample();
    writeFileSync(file, JSON.stringify(peaks));
  });
}
