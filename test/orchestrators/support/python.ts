import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../cli/support/spawn-bin';

/** The orchestrators' own Python code (copied, with its licence) that the tests run our output through. */
export const ORCHESTRATOR_FIXTURES = join(ROOT, 'test', 'orchestrators', 'fixtures');

/** Why Python tests are skipped, or false when python3 runs. Mage and the Hub's reader are Python. */
export const skipWithoutPython: string | false =
  spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0 ? false : 'python3 is not installed';

/** Runs one of the fixture scripts with `input` on stdin; returns its exit code, stdout and stderr. */
export function runPython(
  script: string,
  args: readonly string[],
  input = '',
  env: NodeJS.ProcessEnv = process.env,
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('python3', [script, ...args], { input, encoding: 'utf8', env, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
