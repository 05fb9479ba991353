import type { RunSummary, SchemaDeviation } from '../contexts';

const DEVIATIONS_NAMED = 5;

/** `3 values loaded despite their schema's constraints (users.name maxLength 2, users.age maximum 1)`. */
function describeDeviations(deviations: readonly SchemaDeviation[]): string {
  const total = deviations.reduce((sum, d) => sum + d.count, 0);
  const named = deviations
    .slice(0, DEVIATIONS_NAMED)
    .map((d) => `${d.stream}.${d.property} ${d.keyword} ${d.count}`)
    .join(', ');
  const more = deviations.length > DEVIATIONS_NAMED ? `, ${deviations.length - DEVIATIONS_NAMED} more` : '';
  return `${plural(total, 'value')} loaded despite their schema's constraints (${named}${more})`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * The one-line summary printed at the end of a run: records per stream, batches, states, rejected records, values
 * loaded despite a schema constraint, elapsed time, why it stopped when it was not the end of the input, and
 * where the data went (from `@DescribeOutput`).
 *
 * @example
 * ```ts
 * formatSummary(summary); // 'Loaded 3 records (users 2, orders 1) in 2 batches; 1 state emitted; 0.4 s'
 * // with outputs: '...; 0.4 s. Written to public.users and public.orders.'
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
  if (summary.deviations.length > 0) parts.push(describeDeviations(summary.deviations));
  parts.push(`${(summary.elapsedMs / 1000).toFixed(1)} s`);
  const stop =
    summary.stoppedBy === 'signal'
      ? ' (stopped by a signal)'
      : summary.stoppedBy === 'output-closed'
        ? ' (stdout was closed)'
        : '';
  return `${parts.join('; ')}${stop}${formatOutputs(summary.outputs)}`;
}

/** At most this many places are named; a run over hundreds of streams says how many more. */
const MAX_OUTPUTS_SHOWN = 8;

function formatOutputs(outputs: RunSummary['outputs']): string {
  const places = Object.values(outputs ?? {}).flat();
  if (places.length === 0) return '';
  const shown = places.slice(0, MAX_OUTPUTS_SHOWN);
  const more = places.length - shown.length;
  const list =
    more > 0
      ? `${shown.join(', ')} and ${more} more`
      : shown.length === 1
        ? shown[0]!
        : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)!}`;
  return `. Written to ${list}.`;
}
