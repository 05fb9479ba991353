/** Levenshtein distance: the fewest one-character insertions, deletions or substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Case and `-`/`_` do not count: `State_File`, `state-file` and `state_file` are one name. */
const normal = (text: string) => text.toLowerCase().replace(/-/g, '_');

/**
 * The known name a mistyped one most likely meant: the same name spelt with other case or `-`/`_`, else the
 * closest one at most two edits away (the first of equals, in the order given); undefined when none is close.
 *
 * @example
 * ```ts
 * nearestName('delimeter', ['delimiter', 'quote_character']); // 'delimiter'
 * nearestName('state_file', ['state-file', 'input']);          // 'state-file'
 * ```
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const wanted = normal(name);
  const same = known.find((k) => normal(k) === wanted);
  if (same !== undefined) return same;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(normal(candidate), wanted);
    if (distance <= 2 && (best === undefined || distance < best.distance))
      best = { name: candidate, distance };
  }
  return best?.name;
}
