import type { Readable } from 'node:stream';
import { InputError } from '../errors';
import { InputGuard, type GuardFailure } from './input-guard';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const EMPTY = Buffer.alloc(0);

// Buffer#toString('utf8', start, end) checks and normalises its arguments in JavaScript before the native
// utf8Slice; the cursor's bounds are already valid, so call utf8Slice (a Buffer method since Node 0.x, missing
// from the type definitions) directly. Same reason as utf8Write in byte-arena.ts.
interface FastUtf8Slice {
  utf8Slice(start: number, end: number): string;
}

/**
 * Walks the lines of a chunk of whole lines, one at a time, as byte ranges: `buffer[start, end)` is the current
 * line without its LF or CRLF (a lone CR at the very end of the input stays, as split2's `/\r?\n/` would keep it).
 * One cursor is reused for the whole input: no object per line.
 *
 * Why bytes and not decoded strings: a buffered record is stored as its UTF-8 line, and copying the bytes it
 * arrived as is a memcpy, while encoding the decoded string back to UTF-8 was the largest single cost of the loop
 * (see bench/README.md). The text is decoded once, per line, for JSON.parse.
 */
export class LineCursor {
  buffer: Buffer = EMPTY;
  start = 0;
  end = 0;
  private next = 0;

  /** Starts on a new chunk; its first line is read by the next {@link advance}. */
  reset(buffer: Buffer): void {
    this.buffer = buffer;
    this.next = 0;
  }

  /** Moves to the next line of the chunk; false when the chunk has no more lines. */
  advance(): boolean {
    const { buffer } = this;
    const start = this.next;
    if (start >= buffer.length) return false;
    const newline = buffer.indexOf(NEWLINE, start);
    if (newline === -1) {
      this.end = this.next = buffer.length;
    } else {
      this.end = newline > start && buffer[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
      this.next = newline + 1;
    }
    this.start = start;
    return true;
  }

  /** Skips a UTF-8 byte order mark at the start of the current line (editors put one before line 1). */
  skipByteOrderMark(): void {
    const { buffer, start } = this;
    if (
      this.end - start >= 3 &&
      buffer[start] === 0xef &&
      buffer[start + 1] === 0xbb &&
      buffer[start + 2] === 0xbf
    )
      this.start = start + 3;
  }

  /** The current line, decoded. */
  text(): string {
    return (this.buffer as unknown as FastUtf8Slice).utf8Slice(this.start, this.end);
  }

  /** The current line's size in bytes (UTF-8, without the line end). */
  get bytes(): number {
    return this.end - this.start;
  }
}

/**
 * Reads an input stream as chunks of whole lines: raw bytes → {@link InputGuard} (UTF-8 and line-length checks,
 * split at the last line end of each read). Walk each chunk's lines with a {@link LineCursor}. After iteration
 * ends, `failure` says whether the guard stopped the input early.
 *
 * @example
 * ```ts
 * const reader = new LineReader(process.stdin, 64 * 1024 * 1024);
 * const cursor = new LineCursor();
 * for await (const chunk of reader.chunks()) {
 *   cursor.reset(chunk);
 *   while (cursor.advance()) handle(cursor.text());
 * }
 * if (reader.failure) ...
 * ```
 */
export class LineReader {
  private readonly guard: InputGuard;

  constructor(
    private readonly input: Readable,
    maxLineBytes: number,
  ) {
    this.guard = new InputGuard(maxLineBytes);
    input.on('error', (error) => this.guard.destroy(error));
    // Stop reading the rest of the input once the guard has found a bad line; nothing after it is used.
    this.guard.once('guard-failure', () => input.unpipe(this.guard));
    input.pipe(this.guard);
  }

  /** Chunks of whole lines, in input order. The consumer's awaits are the backpressure. */
  chunks(): AsyncIterable<Buffer> {
    return this.guard;
  }

  /** Set when the input was stopped before its end because of a bad line. */
  get failure(): GuardFailure | undefined {
    return this.guard.failure;
  }

  /** Stop reading (e.g. after an error or a signal). */
  close(): void {
    this.input.unpipe(this.guard);
    this.guard.destroy();
  }
}

/**
 * The error for a line the guard refused, naming the line and what to do.
 *
 * @example
 * ```ts
 * if (reader.failure) throw readerFailureError(reader.failure, { inputName: 'stdin', line: 12, maxLineBytes });
 * ```
 */
export function readerFailureError(
  { code, bytes }: GuardFailure,
  where: { inputName: string; line: number; maxLineBytes: number },
): InputError {
  const { inputName, line, maxLineBytes } = where;
  return new InputError(
    code,
    code === 'ERR_LINE_TOO_LONG'
      ? `${inputName} line ${line}: the line is longer than max_line_bytes (${maxLineBytes} bytes; at least ` +
          `${bytes} read). Raise max_line_bytes in the config if such records are expected.`
      : `${inputName} line ${line}: the line is not valid UTF-8. Singer messages are UTF-8 JSON; ` +
          "fix the tap's output encoding.",
    { line },
  );
}
