// Runs one benchmark process and measures it: wall time from spawn to exit, and peak RSS (VmHWM) as reported by
// GNU time's `%M`. Each row runs as its own process, so one row's heap or JIT state never helps another.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
export const HAVE_GNU_TIME = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true']).status === 0;

/**
 * Spawns `command args` with stdin read from `stdinFile` (or nothing), stdout collected (STATE lines are small)
 * and stderr written to `logFile`. Resolves with { wallMs, peakRssMb, exitCode, stdout, signal }.
 */
export async function measure({ command, args, stdinFile, logFile, env, timeoutMs = 60 * 60 * 1000 }) {
  const rssFile = `${logFile}.rss`;
  rmSync(rssFile, { force: true });
  const argv = HAVE_GNU_TIME ? ['-f', '%M', '-o', rssFile, command, ...args] : args;
  const stdin = stdinFile === undefined ? 'ignore' : openSync(stdinFile, 'r');
  const log = openSync(logFile, 'w');
  const chunks = [];
  const started = performance.now();
  const child = spawn(HAVE_GNU_TIME ? GNU_TIME : command, argv, {
    stdio: [stdin, 'pipe', log],
    env: { ...process.env, ...env },
  });
  child.stdout.on('data', (chunk) => chunks.push(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [exitCode, signal] = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => resolve([code, sig]));
  });
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  if (typeof stdin === 'number') closeSync(stdin);
  closeSync(log);
  let peakRssMb = null;
  if (HAVE_GNU_TIME && existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status N" before the figure when the command fails.
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kb)) peakRssMb = kb / 1024;
  }
  return { wallMs, peakRssMb, exitCode, signal, stdout: Buffer.concat(chunks).toString('utf8') };
}

/** The last few lines of a log, for a failure message. */
export function tail(file, lines = 5) {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** A Markdown table (the form bench/README keeps its figures in). */
export function markdownTable(headers, rows) {
  return [headers, headers.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/**
 * Writes a row's report to `<dir>/<name>.json` with when and under what it ran (cores, load average), prints the
 * table and where the report went, and returns the report.
 */
export function writeReport(dir, name, table, fields) {
  const report = { date: new Date().toISOString(), ...fields, cpus: cpus().length, load: loadavg() };
  const path = join(dir, `${name}.json`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${table}\n\nwritten to ${path}\n`);
  return report;
}
