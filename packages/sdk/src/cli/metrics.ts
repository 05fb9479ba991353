import type { Logger } from 'pino';
import type { SchemaDeviation } from '../contexts';
import type { BatchReport } from '../runtime/batch-exporter';

/** A Singer metric as Meltano and singer-python read it from log lines. */
export interface SingerMetric {
  type: 'counter' | 'timer';
  metric: string;
  value: number;
  tags: Record<string, string | number>;
}

/** The text of a Singer metric log line: `METRIC: {"type":...}`. */
export function formatMetric(metric: SingerMetric): string {
  return `METRIC: ${JSON.stringify(metric)}`;
}

/**
 * Logs the Singer metrics of one exported batch on stderr: a `record_count` counter (per flush, by stream) and a
 * `batch_processing_time` timer in seconds. At `info` by default; the CLI uses `debug` when a person watches a
 * terminal, where the progress line shows the same numbers.
 *
 * @example
 * ```ts
 * runDestination(Dest, { input, onBatchExported: (report) => logBatchMetrics(logger, report) });
 * ```
 */
export function logBatchMetrics(logger: Logger, report: BatchReport, level: 'info' | 'debug' = 'info'): void {
  const counter: SingerMetric = {
    type: 'counter',
    metric: 'record_count',
    value: report.records,
    tags: { stream: report.stream },
  };
  const timer: SingerMetric = {
    type: 'timer',
    metric: 'batch_processing_time',
    value: Math.round(report.durationMs) / 1000,
    tags: { stream: report.stream, batch: report.batchNumber, status: 'succeeded' },
  };
  logger[level]({ metric: counter }, formatMetric(counter));
  logger[level]({ metric: timer }, formatMetric(timer));
}

/**
 * Logs one `schema_deviation_count` counter per (stream, property, keyword) whose values were loaded although they
 * broke that schema keyword, at the end of a run.
 *
 * @example
 * ```ts
 * logDeviationMetrics(logger, summary.deviations);
 * // METRIC: {"type":"counter","metric":"schema_deviation_count","value":25,"tags":{"stream":"users","property":"name","keyword":"maxLength"}}
 * ```
 */
export function logDeviationMetrics(logger: Logger, deviations: readonly SchemaDeviation[]): void {
  for (const { stream, property, keyword, count } of deviations) {
    const metric: SingerMetric = {
      type: 'counter',
      metric: 'schema_deviation_count',
      value: count,
      tags: { stream, property, keyword },
    };
    logger.info({ metric }, formatMetric(metric));
  }
}
