import { PassThrough, type Readable } from 'node:stream';
import type { LogSink } from '../runtime/logger';
import type { BatchReport } from '../runtime/batch-exporter';

const CLEAR_LINE = '\r\x1b[K';
const MIB = 1024 * 1024;

/** Counts of a run in progress, fed by the loop's batch reports and the input's bytes. */
export class RunProgress {
  readonly records: Record<string, number> = {};
  batches = 0;
  bytesRead = 0;
  bytesExported = 0;
  private readonly started: number;

  constructor(now = Date.now()) {
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
   * One line: records/s, records per stream, batches exported, and the input bytes read but not yet exported
   * (records buffered or exporting, plus SCHEMA and STATE lines).
   */
  render(now = Date.now()): string {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const total = Object.values(this.records).reduce((sum, n) => sum + n, 0);
    const streams = Object.entries(this.records)
      .map(([stream, n]) => `${stream} ${n}`)
      .join(', ');
    const pending = Math.max(this.bytesRead - this.bytesExported, 0) / MIB;
    return (
      `${Math.round(total / seconds)} records/s | ${total} records${streams ? ` (${streams})` : ''} | ` +
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
