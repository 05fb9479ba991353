/**
 * Limits on V8's heap for a process that an entry point owns (see process-tuning.ts): V8's defaults suit a program
 * that wants speed at any memory cost, and peak RSS is a promise the SDK makes (bench/README.md, "Where the memory
 * goes").
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * The largest young generation (V8's new space: two semi-spaces) a tuned process lets V8 grow to, in MiB.
 *
 * Why: V8 doubles the semi-spaces up to 16 MiB each (a 32 MiB new space) when many young objects survive a
 * scavenge, and the loop's young objects (a read chunk, one record's parse) are short-lived, so the extra room buys
 * little speed but is memory the process holds for the rest of the run. Capped at 8 MiB, peak RSS fell by
 * 20-30 MB in rows b-e of the bench (bench/README.md, "Where the memory goes").
 */
export const YOUNG_GENERATION_CAP_MB = 8;

const MIB = 1024 * 1024;

let capping = false;

/** Bytes of V8's young generation now (0 if this V8 has no `new_space`). */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Stops V8's young generation from growing past `capMb` (see {@link YOUNG_GENERATION_CAP_MB}). Process-wide: only
 * for an entry point that owns the process (see process-tuning.ts).
 *
 * How: `--max-semi-space-size` is read only when the heap is set up, but the growth factor is read at every growth,
 * so this lets it grow (V8's factor of 2) and after each collection checks the young generation's size; once it
 * has reached the cap, it sets the factor to 1 (no further growth). The check runs between reads (an observer is called from the event loop), so a
 * burst of collections within one read can take the space one doubling past the cap, never to V8's 32 MiB.
 * The observer stays for the whole run and sets the factor again after every collection once the cap is reached:
 * with a one-time setting, dest-postgres's young generation still grew to 32 MiB once it encoded on worker threads
 * (test/reliability/resources.test.ts), so something later in such a run puts the factor back (a worker's start is
 * the likely one; not proven), and setting it after each collection holds the cap.
 *
 * @example
 * ```ts
 * capYoungGeneration(YOUNG_GENERATION_CAP_MB);
 * ```
 */
export function capYoungGeneration(capMb: number): void {
  if (capping) return;
  capping = true;
  const reached = () => youngGenerationBytes() >= capMb * MIB;
  if (reached()) return setGrowthFactor(1);
  setGrowthFactor(V8_GROWTH_FACTOR);
  const observer = new PerformanceObserver(() => {
    if (reached()) setGrowthFactor(1);
  });
  observer.observe({ entryTypes: ['gc'] });
}

/**
 * Keeps V8's young generation at its current size until {@link capYoungGeneration} lets it grow to the cap: for a
 * bin, before it loads its modules. Loading is synchronous, so the cap's check cannot run during it, and it
 * took the young generation to 16-32 MiB, which V8 never gives back.
 *
 * @example
 * ```ts
 * holdYoungGeneration();
 * const { runCli } = require('./run-cli'); // loads the SDK and the destination
 * ```
 */
export function holdYoungGeneration(): void {
  if (!capping) setGrowthFactor(1);
}

/** V8's default `--semi-space-growth-factor`. */
const V8_GROWTH_FACTOR = 2;

function setGrowthFactor(factor: number): void {
  setFlagsFromString(`--semi-space-growth-factor=${factor}`);
}
