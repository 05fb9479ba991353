import { PassThrough, type Readable } from 'node:stream';
import type { LogSink } from '../runtime/logger';
import type { BatchReport } from '../runtime/batch-exporter';

const CLEAR_LINE = '\r\x1b[K';
const MIB = 1024 * 1024;

/** `12 s`, `3 min 05 s`, `2 h 10 min`: a duration as a person reads it on a status line. */
export function formatDuration(seconds: number): string {
  const s = Math.max(Math.round(seconds), 0);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Before this much of the run has passed, a time-left estimate is mostly start-up noise. */
const ESTIMATE_AFTER_MS = 1000;

/**
 * Counts of a run in progress, fed by the loop's batch reports and the input's bytes. With the input's size
 * (`totalBytes`: a file given with `--input`, or a regular file on stdin) it also knows how far the run is.
 */
export class RunProgress {
  readonly records: Record<string, number> = {};
  batches = 0;
  bytesRead = 0;
  bytesExported = 0;
  private readonly started: number;

  constructor(
    now = Date.now(),
    /** The input's size in bytes, when known. */
    readonly totalBytes?: number,
  ) {
    this.started = now;
  }

  /** Records an exported batch. */
  onBatch(report: BatchReport): void {
    this.records[report.stream] = (this.records[report.stream] ?? 0) + report.records;
    this.batches++;
    this.bytesExported += report.bytes;
  }

  /** Passes the input through unchanged, counting its bytes. */
  countInput(input: Readable): Readable {
    const counter = new PassThrough();
    counter.on('data', (chunk: Buffer) => (this.bytesRead += chunk.length));
    input.on('error', (error) => counter.destroy(error));
    return input.pipe(counter);
  }

  /**
   * How far the input is read and the time left at the rate so far (`37% read, 12 s left`), when its size is
   * known; undefined otherwise. Reading runs ahead of exporting by at most a batch or two, so the estimate is of
   * the reading, which is most of a run; the last batches' export comes after it (`100% read`). No estimate in
   * the first second, when the rate is mostly start-up.
   */
  howFar(now = Date.now()): string | undefined {
    if (this.totalBytes === undefined || this.totalBytes <= 0) return undefined;
    const fraction = Math.min(this.bytesRead / this.totalBytes, 1);
    // Floor, so 100% means every byte was read.
    const percent = `${Math.floor(fraction * 100)}% read`;
    const elapsed = now - this.started;
    if (fraction >= 1 || elapsed < ESTIMATE_AFTER_MS || fraction === 0) return percent;
    return `${percent}, ${formatDuration(((elapsed / 1000) * (1 - fraction)) / fraction)} left`;
  }

  /**
   * One line: how far (when the input's size is known), records/s, records per stream, batches exported, and the
   * input bytes read but not yet exported (records buffered or exporting, plus SCHEMA and STATE lines).
   */
  render(now = Date.now()): string {
    const far = this.howFar(now);
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const total = Object.values(this.records).reduce((sum, n) => sum + n, 0);
    const streams = Object.entries(this.records)
      .map(([stream, n]) => `${stream} ${n}`)
      .join(', ');
    const pending = Math.max(this.bytesRead - this.bytesExported, 0) / MIB;
    return (
      `${far ? `${far} | ` : ''}${Math.round(total / seconds)} records/s | ${total} records${streams ? ` (${streams})` : ''} | ` +
      `${this.batches} batches | ${pending.toFixed(1)} MiB read, not yet exported`
    );
  }
}

/**
 * Keeps one live status line at the bottom of a terminal: log lines written through it clear the status line
 * first and redraw it after, so the two never mix.
 *
 * @example
 * ```ts
 * const status = new StatusLine(process.stderr);
 * const logger = createLogger({ destination: status });
 * status.show('1200 records/s');
 * ```
 */
export class StatusLine implements LogSink {
  private line: string | undefined;
  readonly isTTY: boolean;

  constructor(private readonly out: LogSink & { columns?: number }) {
    this.isTTY = Boolean(out.isTTY);
  }

  write(text: string): void {
    if (this.line === undefined) {
      this.out.write(text);
      return;
    }
    this.out.write(`${CLEAR_LINE}${text}${this.line}`);
  }

  /** Shows (or replaces) the status line, cut to the terminal's width so it never wraps. */
  show(text: string): void {
    const width = this.out.columns || 120; // 0 when the terminal did not say
    this.line = text.length >= width ? `${text.slice(0, Math.max(width - 2, 1))}…` : text;
    this.out.write(`${CLEAR_LINE}${this.line}`);
  }

  /** Removes the status line. */
  clear(): void {
    if (this.line === undefined) return;
    this.line = undefined;
    this.out.write(CLEAR_LINE);
  }
}

/**
 * Redraws the progress every `intervalMs` on a terminal until stopped. The timer does not keep the process alive.
 *
 * @example
 * ```ts
 * const stop = startProgress(status, progress);
 * try { await run(); } finally { stop(); }
 * ```
 */
export function startProgress(status: StatusLine, progress: RunProgress, intervalMs = 1000): () => void {
  const timer = setInterval(() => status.show(progress.render()), intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    status.clear();
  };
}
