import type { RecordMessage } from '../contexts';

/**
 * One stream's buffered records, kept as the parsed RECORD messages plus parallel arrays of line numbers and
 * receive times (parallel arrays: no wrapper object per record on the hot path).
 */
export class StreamBatch {
  readonly messages: RecordMessage[] = [];
  readonly lines: number[] = [];
  readonly receivedAt: number[] = [];
  /** UTF-8 bytes of the buffered RECORD lines: what the batch size limit counts. */
  bytes = 0;

  get size(): number {
    return this.messages.length;
  }

  /** Line of the oldest buffered record, or Infinity when empty. */
  get firstLine(): number {
    return this.lines[0] ?? Infinity;
  }

  add(message: RecordMessage, line: number, bytes: number, now: number): void {
    this.messages.push(message);
    this.lines.push(line);
    this.receivedAt.push(now);
    this.bytes += bytes;
  }
}
