import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes one line and waits for `drain` when the stream asks for it (stdout into a slow reader). */
export async function writeLine(output: Writable, text: string): Promise<void> {
  if (output.destroyed || output.writableEnded) throw new Error('output is closed');
  if (!output.write(text + '\n')) {
    await Promise.race([
      once(output, 'drain'),
      once(output, 'close').then(() => {
        throw new Error('output closed');
      }),
    ]);
  }
}
