import type { RunSummary } from '../contexts';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * The one-line summary printed at the end of a run: records per stream, batches, states, elapsed time, and why it
 * stopped when it was not the end of the input.
 *
 * @example
 * ```ts
 * formatSummary(summary); // 'Loaded 3 records (users 2, orders 1) in 2 batches; 1 state emitted; 0.4 s'
 * ```
 */
export function formatSummary(summary: RunSummary): string {
  const streams = Object.entries(summary.records);
  const total = streams.reduce((sum, [, n]) => sum + n, 0);
  const perStream = streams.length > 0 ? ` (${streams.map(([s, n]) => `${s} ${n}`).join(', ')})` : '';
  const invalid = Object.values(summary.invalidRecords).reduce((sum, n) => sum + n, 0);
  const parts = [
    `Loaded ${plural(total, 'record')}${perStream} in ${plural(summary.batches, 'batch').replace('batchs', 'batches')}`,
    `${plural(summary.statesEmitted, 'state')} emitted`,
  ];
  if (invalid > 0) parts.push(`${plural(invalid, 'invalid record')} rejected`);
  parts.push(`${(summary.elapsedMs / 1000).toFixed(1)} s`);
  const stop =
    summary.stoppedBy === 'signal'
      ? ' (stopped by a signal)'
      : summary.stoppedBy === 'output-closed'
        ? ' (stdout was closed)'
        : '';
  return `${parts.join('; ')}${stop}`;
}
