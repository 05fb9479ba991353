import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/** How logs are written. */
export interface LoggerOptions {
  /** pino level name: `trace`, `debug`, `info`, `warn`, `error`, `fatal`, `silent`. Default `info`. */
  level?: string;
  /** `text` (readable) or `json` (one JSON object a line). Default: text on a TTY, json otherwise. */
  format?: 'text' | 'json';
  /** Where to write. Default: stderr (fd 2). stdout is reserved for STATE lines. */
  destination?: NodeJS.WritableStream;
  /** Extra fields on every line. */
  base?: Record<string, unknown>;
}

/**
 * Creates the structured logger (pino) the runtime and handlers use. Writes synchronously to stderr so no line is
 * lost when the process exits.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'debug', format: 'json' });
 * logger.info({ stream: 'users', records: 10 }, 'batch exported');
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const isTty = Boolean((options.destination as { isTTY?: boolean } | undefined)?.isTTY ?? process.stderr.isTTY);
  const format = options.format ?? (isTty ? 'text' : 'json');
  const level = options.level ?? 'info';
  const base = { ...options.base };
  if (format === 'text') {
    const stream = pretty({
      destination: options.destination ?? 2,
      sync: true,
      colorize: isTty,
      ignore: 'pid,hostname',
      translateTime: 'SYS:HH:MM:ss.l',
    });
    return pino({ level, base }, stream);
  }
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, destination);
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
        entries.push({ ...parsed, level: pino.levels.labels[parsed.level as number] ?? String(parsed.level) } as LogEntry);
      }
      callback();
    },
  });
  const logger = pino({ level, base: {} }, sink);
  return { logger, entries };
}
