/**
 * A batch's RECORD lines exactly as they were read (UTF-8, without line terminators), for a destination that
 * hands the batch to a worker thread (see `BatchContext.lineBytes`). The blocks are views over shared memory
 * (SharedArrayBuffer): posting this object to a worker copies no line, only the lengths.
 */
export interface LineBytes {
  /** The lines, packed in order; a line never spans two blocks. In a worker they arrive as Uint8Arrays. */
  readonly blocks: readonly Uint8Array[];
  /** The byte length of each line, in order. */
  readonly lengths: Int32Array;
}

const asBuffer = (bytes: Uint8Array) =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Calls `visit` with the bytes `block[start, end)` of lines `from` to `to - 1`, in order. Works the same on the
 * main thread and on a copy posted to a worker.
 *
 * @example
 * ```ts
 * eachLine(lineBytes, 0, lineBytes.lengths.length, (block, start, end, index) => {
 *   messages.push(JSON.parse(block.toString('utf8', start, end)));
 * });
 * ```
 */
export function eachLine(
  lines: LineBytes,
  from: number,
  to: number,
  visit: (block: Buffer, start: number, end: number, index: number) => void,
): void {
  const { blocks, lengths } = lines;
  let b = 0;
  let block = blocks.length > 0 ? asBuffer(blocks[0]!) : Buffer.alloc(0);
  let position = 0;
  for (let i = 0; i < to; i++) {
    const length = lengths[i]!;
    // The batch memory starts a new block only for a line that does not fit in the current one.
    if (position + length > block.length) {
      block = asBuffer(blocks[++b]!);
      position = 0;
    }
    if (i >= from) visit(block, position, position + length, i);
    position += length;
  }
}
