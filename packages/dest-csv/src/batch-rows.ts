import { eachLine, parseJsonExact, type LineBytes, type RecordMessage } from '@singer-dest/sdk';
import type { RowEncoder } from './row-encoder';
import type { TextEncoding } from './text-encoding';

/** What a range of a batch's rows is made from: the lines as read, and per-record facts for metadata columns. */
export interface BatchLines {
  lines: LineBytes;
  lineNumbers: ArrayLike<number>;
  receivedAt: ArrayLike<number>;
  /** Epoch ms. */
  batchedAt: number;
}

// Buffer#write normalises its arguments in JavaScript first; utf8Write (a stable Buffer method, not in the type
// definitions) is the native call underneath, and this runs once per row.
interface FastUtf8 {
  utf8Write(text: string, offset: number): number;
}

/** Rows are gathered into pieces of this many bytes (or characters) before they are handed on. */
const PIECE_BYTES = 1 << 20;

// One piece buffer per thread, reused for every batch: fresh memory costs a page fault per 4 KiB on first touch.
let reusedPiece: (Buffer & FastUtf8) | undefined;

/**
 * Turns records `[from, to)` of a batch into their rows, in order, and hands them to `emit` in pieces of about
 * 1 MiB, encoded for the file. A piece is only valid during the `emit` call (its memory is reused). Returns the
 * bytes emitted. The lines were validated when read, so parsing them again cannot fail.
 *
 * @example
 * ```ts
 * encodeRows(batch, rows, encoding, 0, batch.lineNumbers.length, (piece) => writeFully(fd, piece));
 * ```
 */
export function encodeRows(
  batch: BatchLines,
  rows: RowEncoder,
  encoding: TextEncoding,
  from: number,
  to: number,
  emit: (piece: Buffer) => void,
): number {
  const { lineNumbers, receivedAt, batchedAt } = batch;
  const rowOf = (block: Buffer, start: number, end: number, i: number) => {
    const message = parseJsonExact(block.toString('utf8', start, end)).value as RecordMessage;
    return rows.encode(message, receivedAt[i]!, batchedAt, lineNumbers[i]!);
  };
  let emitted = 0;
  if (encoding.name !== 'utf-8' && encoding.name !== 'utf-8-sig') {
    // Other encodings convert whole pieces of text (rare settings; the UTF-8 path below avoids the strings; the
    // byte-order mark of utf-8-sig is part of the header, so its rows are plain UTF-8).
    let text = '';
    const flush = () => {
      const bytes = encoding.encode(text);
      emit(bytes);
      emitted += bytes.length;
      text = '';
    };
    eachLine(batch.lines, from, to, (block, start, end, i) => {
      text += rowOf(block, start, end, i);
      if (text.length >= PIECE_BYTES) flush();
    });
    if (text.length > 0) flush();
    return emitted;
  }
  // Each row is written straight into one reused buffer: joining a million rows into one string first costs
  // more than encoding them (V8 flattens the joined string, and the young generation copies it).
  let piece = (reusedPiece ??= Buffer.allocUnsafeSlow(PIECE_BYTES) as Buffer & FastUtf8);
  let used = 0;
  const flush = () => {
    emit(piece.subarray(0, used));
    emitted += used;
    used = 0;
  };
  eachLine(batch.lines, from, to, (block, start, end, i) => {
    const row = rowOf(block, start, end, i);
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (piece.length - used < row.length * 3) {
      if (used > 0) flush();
      // A row larger than a piece gets a buffer of its own, for this batch only.
      if (piece.length < row.length * 3) piece = Buffer.allocUnsafeSlow(row.length * 3) as Buffer & FastUtf8;
    }
    used += piece.utf8Write(row, used);
  });
  if (used > 0) flush();
  return emitted;
}
