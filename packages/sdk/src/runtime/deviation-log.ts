import type { Logger } from 'pino';
import type { SchemaDeviation } from '../contexts';
import type { RecordDeviation } from './record-validator';

/**
 * Values loaded although they break a constraint of their schema, by (stream, property, keyword): the first of
 * each is logged as a warning naming its line, the rest only counted, so a tap breaking one `maxLength` on every
 * row writes one warning, not a million. The counts go into the run summary and the final METRIC lines.
 */
export class DeviationLog {
  private readonly byKey = new Map<string, SchemaDeviation>();

  constructor(
    private readonly logger: Logger,
    private readonly inputName: string,
  ) {}

  /** Notes the deviations of one record, read at `line`. */
  note(stream: string, line: number, deviations: readonly RecordDeviation[]): void {
    for (const { property, keyword, message } of deviations) {
      const key = `${stream}\0${property}\0${keyword}`;
      const known = this.byKey.get(key);
      if (known !== undefined) {
        known.count++;
        continue;
      }
      this.byKey.set(key, { stream, property, keyword, count: 1, firstLine: line });
      this.logger.warn(
        { line, stream, property, keyword },
        `${this.inputName} line ${line}: RECORD for stream "${stream}": "${property}" breaks its schema's ` +
          `${keyword} (${message}); loaded as sent. Later values of "${property}" that break ${keyword} are ` +
          'counted in the summary, not logged. Set strict_validation to true to treat them as invalid records.',
      );
    }
  }

  /** Every (stream, property, keyword) seen, in the order first seen. */
  entries(): SchemaDeviation[] {
    return [...this.byKey.values()].map((d) => ({ ...d }));
  }
}
