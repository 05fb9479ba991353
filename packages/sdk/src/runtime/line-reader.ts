import type { Readable } from 'node:stream';
import split2 from 'split2';
import { InputGuard, type GuardFailure } from './input-guard';

/**
 * Reads an input stream as text lines: raw bytes → {@link InputGuard} (UTF-8 and line-length checks) → split2
 * (decoding, splitting on LF or CRLF). Iterate with `for await`; the consumer's awaits are the backpressure.
 * After iteration ends, `failure` says whether the guard stopped the input early.
 *
 * @example
 * ```ts
 * const reader = new LineReader(process.stdin, 64 * 1024 * 1024);
 * for await (const text of reader.lines()) { ... }
 * if (reader.failure) ...
 * ```
 */
export class LineReader {
  private readonly guard: InputGuard;
  private readonly splitter: NodeJS.ReadableStream & AsyncIterable<string>;

  constructor(
    private readonly input: Readable,
    maxLineBytes: number,
  ) {
    this.guard = new InputGuard(maxLineBytes);
    const splitter = split2();
    input.on('error', (error) => splitter.destroy(error));
    // Stop reading the rest of the input once the guard has found a bad line; nothing after it is used.
    this.guard.once('guard-failure', () => input.unpipe(this.guard));
    input.pipe(this.guard).pipe(splitter);
    this.splitter = splitter;
  }

  /** The decoded lines, without their line ends. */
  lines(): AsyncIterable<string> {
    return this.splitter;
  }

  /** Set when the input was stopped before its end because of a bad line. */
  get failure(): GuardFailure | undefined {
    return this.guard.failure;
  }

  /** Stop reading (e.g. after an error or a signal). */
  close(): void {
    this.input.unpipe(this.guard);
    (this.splitter as unknown as { destroy(): void }).destroy();
  }
}
