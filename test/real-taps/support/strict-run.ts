import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readJsonLines, runBin, writeJson } from '../../cli/support/spawn-bin';

/**
 * Runs a bin on a real tap's output with strict_validation and the dead-letter policy (dead letters in `dir`),
 * checks that it succeeded with exactly `states` on stdout, and returns each dead letter as [line, stream, code].
 */
export async function runStrict(
  bin: string,
  dir: string,
  settings: Record<string, unknown>,
  input: string,
  states: string,
): Promise<{ deadLetters: string; dead: [number, string, string][] }> {
  const deadLetters = join(dir, 'dead.jsonl');
  const config = writeJson(dir, 'config.json', {
    ...settings,
    strict_validation: true,
    invalid_record_policy: 'dead_letter',
    dead_letter_path: deadLetters,
  });
  const run = await runBin(bin, ['--config', config], { input });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, states);
  return { deadLetters, dead: deadLettersOf(deadLetters) };
}

/** A dead-letter file's records as [line, stream, code]. */
export function deadLettersOf(path: string): [number, string, string][] {
  return (readJsonLines(path) as { line: number; stream: string; code: string }[]).map((d) => [
    d.line,
    d.stream,
    d.code,
  ]);
}
