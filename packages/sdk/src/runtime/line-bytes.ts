/**
 * A run of a batch's RECORD lines exactly as they were read (UTF-8, without line terminators), as the encode
 * stage hands them to a worker thread. The blocks are views over the batch memory, which is shared
 * (SharedArrayBuffer): posting this object to a worker copies no line, only the lengths.
 */
export interface LineBytes {
  /** The batch's blocks, in order; a line never spans two. In a worker they arrive as Uint8Arrays. */
  readonly blocks: readonly Uint8Array[];
  /** The byte length of each line of the run, in order. */
  readonly lengths: Int32Array;
  /** Where the run's first line starts: its block, and its offset in that block. */
  readonly block: number;
  readonly offset: number;
}

const asBuffer = (bytes: Uint8Array) =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Calls `visit` with the bytes `block[start, end)` of each line of the run, in order, with its index in the run.
 * Works the same on the main thread and on a copy posted to a worker.
 *
 * @example
 * ```ts
 * eachLine(lines, (block, start, end, index) => messages.push(JSON.parse(block.toString('utf8', start, end))));
 * ```
 */
export function eachLine(
  lines: LineBytes,
  visit: (block: Buffer, start: number, end: number, index: number) => void,
): void {
  const { blocks, lengths } = lines;
  let b = lines.block;
  let block = b < blocks.length ? asBuffer(blocks[b]!) : Buffer.alloc(0);
  let position = lines.offset;
  for (let i = 0; i < lengths.length; i++) {
    const length = lengths[i]!;
    // The batch memory starts a new block only for a line that does not fit in the current one.
    if (position + length > block.length) {
      block = asBuffer(blocks[++b]!);
      position = 0;
    }
    visit(block, position, position + length, i);
    position += length;
  }
}
