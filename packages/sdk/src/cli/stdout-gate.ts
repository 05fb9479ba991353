import { Writable } from 'node:stream';

/**
 * Stands between the loop and process.stdout. When the reader of stdout goes away (EPIPE), process.stdout emits
 * an error but, being a stdio stream, never closes, so a writer waiting for `drain` would wait forever. The gate
 * turns that error into its own error and close, which the loop treats as "output closed".
 *
 * @example
 * ```ts
 * await runDestination(Dest, { input, output: new StdoutGate(process.stdout) });
 * ```
 */
export class StdoutGate extends Writable {
  /** Set once the reader of stdout went away. */
  closedByReader = false;

  constructor(
    private readonly target: NodeJS.WritableStream & {
      on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
    },
  ) {
    super({ decodeStrings: false });
    target.on('error', (error: NodeJS.ErrnoException) => {
      this.closedByReader = true;
      this.destroy(error);
    });
    // After the loop is done, a late error must not crash the process.
    this.on('error', () => undefined);
  }

  override _write(
    chunk: string | Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.target.write(chunk)) callback();
    else this.target.once('drain', () => callback());
  }
}
