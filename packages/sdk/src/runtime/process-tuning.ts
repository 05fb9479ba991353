import { BLOCK_BYTES, setArenaPoolLimit } from './byte-arena';
import { enableGarbageCollection } from './collect-garbage';
import type { RunSettings } from './settings';
import { YOUNG_GENERATION_CAP_MB, capYoungGeneration } from './heap-limits';

/**
 * Process-wide tuning, for an entry point that owns the process (`runCli` does; `runDestination` only with
 * `tuneProcess: true`): a pool of batch blocks sized to the batch limit, kept for reuse across batches and runs,
 * a background major collection after every 16 MB of exported batches (which sets V8's `--expose-gc` at run
 * time), and V8's young generation capped at {@link YOUNG_GENERATION_CAP_MB} (heap-limits.ts; a V8 flag set at
 * run time). A program that embeds `runDestination` keeps its V8 flags, and no blocks outlive the run's batches.
 *
 * @example
 * ```ts
 * tuneProcess(resolveRunSettings(definition, overrides));
 * ```
 */
export function tuneProcess(settings: Pick<RunSettings, 'maxBatchBytes'>): void {
  // One batch's worth (the filling batch takes them back as the exported one frees them), plus a few.
  setArenaPoolLimit(Math.ceil(settings.maxBatchBytes / BLOCK_BYTES) + 4);
  enableGarbageCollection();
  capYoungGeneration(YOUNG_GENERATION_CAP_MB);
}
