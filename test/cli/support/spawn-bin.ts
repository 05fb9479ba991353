import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { ROOT, environment } from '../../support/bins';

export { DEST_CSV, ROOT } from '../../support/bins';
/** The CLI test destination, compiled. */
export const TEST_DEST = join(ROOT, 'test', 'build', 'cli', 'fixtures', 'test-dest.js');

/** What a finished bin run gave. */
export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of one bin run. */
export interface BinOptions {
  /** Text for stdin; stdin is closed after it. */
  input?: string;
  /** Extra environment variables (added to a clean copy of this process's environment). */
  env?: Record<string, string>;
  cwd?: string;
}

/** Starts a bin and leaves stdin open; the caller drives it. */
export function startBin(
  bin: string,
  args: readonly string[],
  options: BinOptions = {},
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: environment(options.env) });
}

/** Collects a started bin's output until it exits. */
export function collect(
  child: ChildProcessWithoutNullStreams,
): Promise<BinResult> & { stdout(): string; stderr(): string } {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<BinResult>((resolvePromise) => {
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return Object.assign(done, { stdout: () => stdout, stderr: () => stderr });
}

/** Runs a bin to its end. */
export async function runBin(
  bin: string,
  args: readonly string[],
  options: BinOptions = {},
): Promise<BinResult> {
  const child = startBin(bin, args, options);
  const result = collect(child);
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  return result;
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'singer-cli-'));
}

/** Writes a JSON file and returns its path. */
export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** The parsed lines of a JSON-lines file ([] when it does not exist). */
export function readJsonLines(path: string): any[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);
}

/** The non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

/** Waits until `check` returns true, polling; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Singer message lines. */
export const msg = {
  schema: (stream: string) =>
    JSON.stringify({
      type: 'SCHEMA',
      stream,
      schema: { type: 'object', properties: { id: { type: 'integer' } } },
      key_properties: ['id'],
    }),
  record: (stream: string, id: number) => JSON.stringify({ type: 'RECORD', stream, record: { id } }),
  state: (value: unknown) => JSON.stringify({ type: 'STATE', value }),
};

/** Joins message lines into Singer input text. */
export function singer(...messageLines: string[]): string {
  return messageLines.map((l) => `${l}\n`).join('');
}
