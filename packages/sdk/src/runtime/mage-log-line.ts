/**
 * Mage's log line: what Mage's own destinations print (mage_integrations/utils/logger/__init__.py) and the only
 * shape Mage's runner shows (mage_ai/data_integrations/logger/utils.py `print_log_from_line`): a JSON object with
 * `type: "LOG"`, `message`, `level` and a `tags` object (the runner merges `tags` into its own; any other value
 * makes it drop the line). `timestamp` is whole epoch seconds, which the runner passes to
 * `datetime.fromtimestamp`. A line whose `level` is `ERROR` or `EXCEPTION` makes the runner raise with its message
 * and tags: that is the failure reason Mage shows, so only the fatal error of a run may carry it.
 */

/** pino's numeric levels → Mage's names. pino `error` is not fatal in a run, so it is not Mage's ERROR. */
const MAGE_LEVELS: Record<number, string> = {
  10: 'DEBUG',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARNING',
  50: 'WARNING',
  60: 'ERROR',
};

/** What a Mage log line holds. */
export interface MageLogLine {
  type: 'LOG';
  level: string;
  message: string;
  tags: Record<string, unknown>;
  timestamp: number;
}

/**
 * Turns one pino JSON line into Mage's log line. pino's `fatal` is Mage's `ERROR`; every other field of the pino line
 * becomes a tag, and a metric's stream is lifted into `tags.stream` so Mage can filter by stream.
 *
 * @example
 * ```ts
 * toMageLogLine('{"level":30,"time":"2024-01-01T00:00:00.000Z","stream":"users","msg":"batch 1 exported"}');
 * // {"type":"LOG","level":"INFO","message":"batch 1 exported","tags":{"stream":"users"},"timestamp":1704067200}
 * ```
 */
export function toMageLogLine(pinoLine: string): string {
  const {
    level,
    time,
    msg,
    pid: _pid,
    hostname: _hostname,
    ...fields
  } = JSON.parse(pinoLine) as Record<string, unknown>;
  const tags: Record<string, unknown> = { ...fields };
  const metricStream = (fields.metric as { tags?: { stream?: unknown } } | undefined)?.tags?.stream;
  if (tags.stream === undefined && typeof metricStream === 'string') tags.stream = metricStream;
  const parsedTime =
    typeof time === 'string' ? Date.parse(time) : typeof time === 'number' ? time : Date.now();
  const line: MageLogLine = {
    type: 'LOG',
    level: MAGE_LEVELS[level as number] ?? 'INFO',
    message: typeof msg === 'string' ? msg : '',
    tags,
    timestamp: Math.floor(parsedTime / 1000),
  };
  return `${JSON.stringify(line)}\n`;
}
