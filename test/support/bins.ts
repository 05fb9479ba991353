/**
 * Where the bins are, and the clean environment every spawned bin gets: shared by the CLI and the reliability
 * test supports, so a new bin or a new settings prefix is added in one place.
 */
import { join, resolve } from 'node:path';

/** The repository root (this file runs from test/build/support). */
export const ROOT = resolve(__dirname, '..', '..', '..');
export const DEST_CSV = join(ROOT, 'packages', 'dest-csv', 'bin', 'dest-csv.js');
export const DEST_POSTGRES = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');
export const DEST_DUCKDB = join(ROOT, 'packages', 'dest-duckdb', 'bin', 'dest-duckdb.js');

/** Settings prefixes of every bin and test destination, and Meltano's: none may leak in from outside a test. */
const SETTINGS_PREFIX = /^(DEST_CSV|DEST_POSTGRES|DEST_DUCKDB|TEST_DEST|FAULT_DEST|FAULT|MELTANO_LOAD)_/;

/** This process's environment without any settings variable, plus `extra`. */
export function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SETTINGS_PREFIX.test(k)));
  return { ...env, ...extra };
}
