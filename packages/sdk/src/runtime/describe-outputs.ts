import type { Logger } from 'pino';
import type { RunSummary } from '../contexts';
import { describeError } from '../errors';
import type { BoundHandlers } from './bind-handlers';

/**
 * Asks the destination's `@DescribeOutput` where each stream's records went and puts the answers into the
 * summary's `outputs`. A failing or empty answer leaves that stream out, with a warning for a failure: by now
 * the data is stored and the states are written, so a description must never fail the run.
 *
 * @example
 * ```ts
 * await describeOutputs(handlers.describeOutput, summary, { config, logger });
 * summary.outputs; // { users: ['output/users.csv'] }
 * ```
 */
export async function describeOutputs(
  describe: BoundHandlers['describeOutput'],
  summary: RunSummary,
  base: { config: unknown; logger: Logger },
): Promise<void> {
  if (describe === undefined) return;
  const outputs: Record<string, readonly string[]> = {};
  for (const [stream, records] of Object.entries(summary.records)) {
    if (records === 0) continue;
    try {
      const said = await describe({ ...base, stream, records });
      const where = typeof said === 'string' ? [said] : (said ?? []);
      if (where.length > 0) outputs[stream] = [...where];
    } catch (error) {
      base.logger.warn(
        { stream },
        `@DescribeOutput failed for stream "${stream}" (the data is stored): ${describeError(error)}`,
      );
    }
  }
  summary.outputs = outputs;
}
