import { InputError } from '../errors';
import type { RecordMessage, SingerRecord } from '../contexts';
import type { BatchFileLocation } from './batch-files';
import type { BatchMessage } from './batch-message';
import { LineCursor } from './line-reader';
import { parseJsonLine, type Message } from './parse-message';

/**
 * Turns the lines of one BATCH message's files (raw records, one JSON object a line, as the Meltano SDK writes
 * them) into what a RECORD line gives the loop: the checked message, and the RECORD line the record would have
 * come in, `{"type":"RECORD","stream":"users","record":<the line>}` (with the BATCH's `version`), as UTF-8 bytes
 * under {@link cursor}. Batches buffer and re-read that line, so a record exports the same whichever way it came.
 *
 * @example
 * ```ts
 * const records = new BatchRecords(message);
 * const { record, text } = records.read(fileCursor, location); // records.cursor: the RECORD line's bytes
 * ```
 */
export class BatchRecords {
  /** The RECORD line of the record last read (valid until the next read). */
  readonly cursor = new LineCursor();
  private readonly head: Buffer;
  private readonly headText: string;
  private scratch = Buffer.alloc(0);

  constructor(private readonly message: BatchMessage) {
    const version = message.version === undefined ? '' : `"version":${message.version},`;
    this.headText = `{"type":"RECORD","stream":${JSON.stringify(message.stream)},${version}"record":`;
    this.head = Buffer.from(this.headText);
  }

  /**
   * Reads the line under `line` (a batch file's line). Throws {@link InputError} naming the file and line for
   * a line that is not JSON (`ERR_INVALID_JSON`, `ERR_NESTING_TOO_DEEP`) or not a JSON object
   * (`ERR_RECORD_NOT_OBJECT`).
   */
  read(line: LineCursor, at: BatchFileLocation): { record: Message<'RECORD'>; text: string } {
    const text = line.text();
    const parsed = parseJsonLine(text, { name: at.describeFile(), line: at.fileLine });
    const value = parsed.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(
        'ERR_RECORD_NOT_OBJECT',
        `${at.describeFile()} line ${at.fileLine}: the line is not a JSON object. A batch file holds one raw ` +
          'record a line (not Singer messages), each a JSON object.',
        at.fields(),
      );
    }
    const { stream, version } = this.message;
    const record = value as SingerRecord;
    const message: RecordMessage =
      version === undefined
        ? { type: 'RECORD', stream, record }
        : { type: 'RECORD', stream, record, version };
    this.wrap(line);
    return {
      record: {
        type: 'RECORD',
        stream,
        message,
        approximateRecord: parsed.hasExactNumbers ? (parsed.approximate as SingerRecord) : record,
        // The RECORD line's head holds no number beyond a safe integer (a BATCH's version is one).
        hasExactNumbers: parsed.hasExactNumbers,
      },
      text: `${this.headText}${text}}`,
    };
  }

  /** Puts the RECORD line around the record's bytes into the reused scratch buffer, under {@link cursor}. */
  private wrap(line: LineCursor): void {
    const { head } = this;
    const size = head.length + line.bytes + 1;
    if (this.scratch.length < size)
      this.scratch = Buffer.allocUnsafe(Math.max(size, 2 * this.scratch.length));
    const scratch = this.scratch;
    head.copy(scratch, 0);
    line.buffer.copy(scratch, head.length, line.start, line.end);
    scratch[size - 1] = 0x7d; // }
    this.cursor.reset(scratch.subarray(0, size));
    this.cursor.advance();
  }
}
