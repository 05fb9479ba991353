import { Transform, type TransformCallback } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import type { ErrorCode } from '../errors';

const NEWLINE = 0x0a;

/** Why the guard stopped the input. */
export interface GuardFailure {
  code: Extract<ErrorCode, 'ERR_INVALID_UTF8' | 'ERR_LINE_TOO_LONG'>;
  /** Bytes of the offending line seen so far (for a line too long). */
  bytes: number;
}

/**
 * Turns the raw input into chunks of whole, valid lines. Decoding would silently turn invalid UTF-8 into U+FFFD,
 * so this stage checks the raw bytes first (one native `isUtf8` per chunk), and it caps line length in bytes. On
 * a problem it passes every line before the bad one, then ends the stream and records the failure; the reader,
 * having counted those lines, knows the bad line's number exactly.
 *
 * Holding back the partial last line of each read is what makes that possible: a line is only ever passed on
 * whole. The output is in object mode so each chunk reaches the reader as it was passed, never concatenated.
 */
export class InputGuard extends Transform {
  failure: GuardFailure | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxLineBytes: number) {
    // Object mode counts chunks, not bytes: hold at most two read-ahead chunks.
    super({ readableObjectMode: true, readableHighWaterMark: 2 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.failure) return callback();
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > this.maxLineBytes) this.fail('ERR_LINE_TOO_LONG', this.pendingBytes);
      return callback();
    }
    let wholeFrom = 0;
    if (this.pending.length > 0) {
      // Join only the line that started in an earlier read, not the whole chunk: no copy of the rest.
      wholeFrom = chunk.indexOf(NEWLINE) + 1;
      if (!this.passLines(Buffer.concat([...this.pending, chunk.subarray(0, wholeFrom)]))) return callback();
    }
    const rest = chunk.subarray(lastNewline + 1);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    if (wholeFrom <= lastNewline && !this.passLines(chunk.subarray(wholeFrom, lastNewline + 1)))
      return callback();
    if (this.pendingBytes > this.maxLineBytes) this.fail('ERR_LINE_TOO_LONG', this.pendingBytes);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    // The last line may have no newline; it is a whole line now.
    if (!this.failure && this.pending.length > 0) this.passLines(Buffer.concat(this.pending));
    this.pending = [];
    callback();
  }

  /** Passes whole lines on; on the first bad one, passes the lines before it and fails. Returns false on failure. */
  private passLines(lines: Buffer): boolean {
    // Fast path: one native UTF-8 check over the chunk, and a chunk shorter than the cap cannot hold a long line.
    if (
      isUtf8(lines) &&
      (lines.length <= this.maxLineBytes || this.longestLine(lines) <= this.maxLineBytes)
    ) {
      this.push(lines);
      return true;
    }
    let start = 0;
    while (start < lines.length) {
      const newline = lines.indexOf(NEWLINE, start);
      const end = newline === -1 ? lines.length : newline;
      const line = lines.subarray(start, end);
      if (line.length > this.maxLineBytes) {
        this.pushPrefix(lines, start);
        this.fail('ERR_LINE_TOO_LONG', line.length);
        return false;
      }
      if (!isUtf8(line)) {
        this.pushPrefix(lines, start);
        this.fail('ERR_INVALID_UTF8', line.length);
        return false;
      }
      start = end + 1;
    }
    this.push(lines);
    return true;
  }

  private pushPrefix(lines: Buffer, end: number): void {
    if (end > 0) this.push(lines.subarray(0, end));
  }

  private longestLine(lines: Buffer): number {
    let longest = 0;
    for (let start = 0; start < lines.length;) {
      const newline = lines.indexOf(NEWLINE, start);
      const end = newline === -1 ? lines.length : newline;
      longest = Math.max(longest, end - start);
      start = end + 1;
    }
    return longest;
  }

  private fail(code: GuardFailure['code'], bytes: number): void {
    this.failure = { code, bytes };
    this.pending = [];
    this.push(null);
    this.emit('guard-failure');
  }
}
