import type { Writable } from 'node:stream';

/**
 * Writes one line and waits for `drain` when the stream asks for it (stdout into a slow reader). Settles on
 * `error` and `close` too: after EPIPE, process.stdout emits `error` but never `close` or `drain`, and waiting for
 * those alone would hang the run.
 */
export async function writeLine(output: Writable, text: string): Promise<void> {
  if (output.destroyed || output.writableEnded) throw new Error('output is closed');
  if (output.write(text + '\n')) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      output.off('drain', onDrain);
      output.off('error', onError);
      output.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(new Error('output closed'));
    output.on('drain', onDrain);
    output.on('error', onError);
    output.on('close', onClose);
  });
}
