import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type * as PinoPretty from 'pino-pretty';
import { toMageLogLine } from './mage-log-line';

/** Anything log text can be written to: a stream, or a small object with a synchronous `write`. */
export interface LogSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** The log formats: readable text, pino JSON lines, or Mage's LOG lines. */
export type LogFormat = 'text' | 'json' | 'mage';

/** How logs are written. */
export interface LoggerOptions {
  /** pino level name: `trace`, `debug`, `info`, `warn`, `error`, `fatal`, `silent`. Default `info`. */
  level?: string;
  /**
   * `text` (readable), `json` (one pino JSON object a line) or `mage` (Mage's LOG lines, see
   * {@link toMageLogLine}). Default: text on a TTY, json otherwise.
   */
  format?: LogFormat;
  /**
   * With `mage`: start ERROR lines with `ERROR `, as Mage's "Test connection" reads stderr (it takes the failure
   * reason from `tags.error` of the JSON on a line starting with ERROR).
   */
  mageErrorPrefix?: boolean;
  /** Where to write. Default: `process.stderr` (synchronous on Linux). stdout is reserved for STATE lines. */
  destination?: LogSink;
  /** Extra fields on every line. */
  base?: Record<string, unknown>;
  /** Applied to every finished line before it is written, e.g. to replace secret values (see the CLI). */
  redact?: (text: string) => string;
}

/**
 * Creates the structured logger (pino) the runtime and handlers use. Every line is formatted and written
 * synchronously (no worker thread, no async pipe), so no line is lost when the process exits, and `redact` sees the
 * final text, whatever the format.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'debug', format: 'json' });
 * logger.info({ stream: 'users', records: 10 }, 'batch exported');
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination: LogSink = options.destination ?? process.stderr;
  const isTty = Boolean(destination.isTTY);
  const format = options.format ?? (isTty ? 'text' : 'json');
  const redact = options.redact ?? ((text: string) => text);
  // pino-pretty is loaded only for text logs (a terminal); pipelines log JSON and skip it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const prettyFactory = () => (require('pino-pretty') as typeof PinoPretty).prettyFactory;
  const pretty =
    format === 'text'
      ? prettyFactory()({
          colorize: isTty,
          ignore: 'pid,hostname,metric,summary',
          translateTime: 'SYS:HH:MM:ss.l',
        })
      : undefined;
  const mage = (line: string) => {
    const text = toMageLogLine(line);
    return options.mageErrorPrefix && text.startsWith('{"type":"LOG","level":"ERROR"')
      ? `ERROR ${text}`
      : text;
  };
  const sink = {
    write(line: string) {
      destination.write(redact(pretty ? pretty(line) : format === 'mage' ? mage(line) : line));
    },
  };
  return pino(
    { level: options.level ?? 'info', base: { ...options.base }, timestamp: pino.stdTimeFunctions.isoTime },
    sink,
  );
}

/** A log line captured by {@link createMemoryLogger}. */
export interface LogEntry {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/**
 * A logger that keeps its lines in memory, for tests.
 *
 * @example
 * ```ts
 * const { logger, entries } = createMemoryLogger();
 * logger.warn('careful');
 * entries[0]?.msg; // 'careful'
 * ```
 */
export function createMemoryLogger(level = 'debug'): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        const parsed = JSON.parse(line) as Record<string, unknown>;
        entries.push({
          ...parsed,
          level: pino.levels.labels[parsed.level as number] ?? String(parsed.level),
        } as LogEntry);
      }
      callback();
    },
  });
  const logger = pino({ level, base: {} }, sink);
  return { logger, entries };
}
