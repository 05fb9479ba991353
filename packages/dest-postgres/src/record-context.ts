import type { RecordMessage, SingerRecord } from '@singer-dest/sdk/toolkit';

/**
 * One record as dest-postgres's encoder reads it: its values and what its metadata columns are made from. One
 * object per stream encoder, refilled for each record (see copy-lines.ts).
 */
export interface EncodeContext {
  readonly stream: string;
  readonly record: SingerRecord;
  readonly message: RecordMessage;
  /** 1-based input line of the RECORD. */
  readonly line: number;
  /** When the record was read (epoch ms). */
  readonly receivedAt: number;
}
