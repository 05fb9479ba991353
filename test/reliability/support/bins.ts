/**
 * Spawning the real bins for the reliability tests: staged stdin (send some lines, wait for a STATE on stdout,
 * send the rest), inputs streamed from generated files, parsed JSON log lines, and the child's peak RSS.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import { ROOT, environment } from '../../support/bins';

export { DEST_CSV, DEST_DUCKDB, DEST_POSTGRES, ROOT, environment } from '../../support/bins';
/** The fault-injecting test destination (compiled from test/reliability/fixtures/fault-dest.ts). */
export const FAULT_DEST = join(ROOT, 'test', 'build', 'reliability', 'fixtures', 'fault-dest.js');

/** A piece of stdin: text, bytes, or a file (from byte `start` on) streamed in. */
export type Part = string | Buffer | { file: string; start?: number };

/**
 * One stage of a run: once `afterStdout` / `afterStderr` (if given) has appeared, send `send` on stdin, then send
 * the signal `kill` (if given).
 */
export interface Stage {
  afterStdout?: string;
  afterStderr?: string;
  send?: Part[];
  kill?: NodeJS.Signals;
  /** Wait this long (ms) before acting. */
  delayMs?: number;
  /** Run this (e.g. cut a proxy's connections) before sending. */
  action?: () => void | Promise<void>;
}

export interface BinOptions {
  /** stdin, sent in stages; stdin is closed after the last stage (unless `keepStdinOpen`). */
  stages?: Stage[];
  env?: Record<string, string>;
  /** Kill the child (SIGKILL) and fail the result after this long. */
  timeoutMs?: number;
  /** Poll /proc/<pid>/status for VmHWM (peak resident set). */
  measureRss?: boolean;
  /** Leave stdin open after the last stage (the run then ends by a signal). */
  keepStdinOpen?: boolean;
}

/** One JSON log line of stderr. */
export interface LogLine {
  level: number;
  msg: string;
  code?: string;
  line?: number;
  stream?: string;
  [key: string]: unknown;
}

export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stderr's JSON lines, parsed (other lines are skipped). */
  logs: LogLine[];
  /** Peak resident set of the child in KiB (when measured). */
  peakRssKb: number | undefined;
  timedOut: boolean;
}

export function startBin(
  bin: string,
  args: readonly string[],
  env: Record<string, string> = {},
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [bin, ...args], { env: environment(env) });
}

/** Peak resident set (VmHWM, KiB) of a live process, or undefined once it is gone. */
export function peakRssOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function parseLogs(stderr: string): LogLine[] {
  const logs: LogLine[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      // not a log line
    }
  }
  return logs;
}

/** Waits until stdin can take more; resolves (never rejects) when it closed or failed instead. */
async function drained(stdin: NodeJS.WritableStream): Promise<void> {
  if ((stdin as NodeJS.WritableStream & { destroyed: boolean }).destroyed) return;
  await Promise.race([once(stdin, 'drain'), once(stdin, 'close'), once(stdin, 'error')]).catch(
    () => undefined,
  );
}

async function writePart(child: ChildProcessWithoutNullStreams, part: Part): Promise<void> {
  const stdin = child.stdin;
  if (stdin.destroyed || !stdin.writable) return;
  if (typeof part === 'string' || Buffer.isBuffer(part)) {
    if (!stdin.write(part)) await drained(stdin);
    return;
  }
  const file = createReadStream(part.file, { start: part.start ?? 0 });
  for await (const chunk of file) {
    if (stdin.destroyed || !stdin.writable) {
      file.destroy();
      return;
    }
    if (!stdin.write(chunk as Buffer)) await drained(stdin);
  }
}

/** Passwords that must never appear in any output of any run (checked by every {@link driveChild}). */
const watchedSecrets = new Set<string>();

/** Registers a secret that every later run's stdout and stderr are searched for. */
export function watchSecret(secret: string): void {
  watchedSecrets.add(secret);
}

function checkSecrets(stdout: string, stderr: string): void {
  for (const secret of watchedSecrets) {
    if (stdout.includes(secret) || stderr.includes(secret))
      throw new Error(`a configured password appeared in the output of a run:\n${stderr.slice(0, 2000)}`);
  }
}

/** Runs a bin to its end, feeding stdin stage by stage. */
export async function runBin(
  bin: string,
  args: readonly string[],
  options: BinOptions = {},
): Promise<BinResult> {
  const child = startBin(bin, args, options.env);
  return driveChild(child, options);
}

/** Feeds and collects an already started child. */
export async function driveChild(
  child: ChildProcessWithoutNullStreams,
  options: BinOptions = {},
): Promise<BinResult> {
  let stdout = '';
  let stderr = '';
  let exited = false;
  let timedOut = false;
  let peakRssKb: number | undefined;
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined); // the child may stop reading (a bad line) and exit early
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (code, signal) => done([code, signal])),
  );
  child.on('exit', () => (exited = true));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  const poll =
    options.measureRss && child.pid !== undefined
      ? setInterval(() => {
          const rss = peakRssOf(child.pid!);
          if (rss !== undefined) peakRssKb = Math.max(peakRssKb ?? 0, rss);
        }, 20)
      : undefined;
  try {
    for (const stage of options.stages ?? []) {
      const { afterStdout, afterStderr } = stage;
      if (afterStdout !== undefined) while (!exited && !stdout.includes(afterStdout)) await sleep(5);
      if (afterStderr !== undefined) while (!exited && !stderr.includes(afterStderr)) await sleep(5);
      if (stage.delayMs !== undefined) await sleep(stage.delayMs);
      if (exited) break;
      await stage.action?.();
      for (const part of stage.send ?? []) await writePart(child, part);
      if (stage.kill !== undefined) child.kill(stage.kill);
    }
    if (!options.keepStdinOpen && !child.stdin.destroyed) child.stdin.end();
    const [code, signal] = await closed;
    checkSecrets(stdout, stderr);
    return { code, signal, stdout, stderr, logs: parseLogs(stderr), peakRssKb, timedOut };
  } finally {
    clearTimeout(timer);
    if (poll) clearInterval(poll);
  }
}

/** The error line the CLI logged (level error or fatal), if any. */
export function errorLog(result: BinResult): LogLine | undefined {
  return result.logs.find((l) => l.level >= 50);
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `reliability-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Joins lines into Singer input text (each line ends with a newline). */
export function singer(...lines: string[]): string {
  return lines.map((l) => `${l}\n`).join('');
}
