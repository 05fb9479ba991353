import type { RecordMessage } from '../contexts';
import type { EncodeMeta, RecordEncoder } from '../encoder';
import { parseJsonExact } from '../json/parse-json';
import { eachLine, type LineBytes } from './line-bytes';

// Buffer#write and Buffer#toString normalise their arguments in JavaScript first; utf8Write and utf8Slice (stable
// Buffer methods, not in the type definitions) are the native calls underneath, and these run once per record.
interface FastUtf8 {
  utf8Write(text: string, offset: number): number;
  utf8Slice(start: number, end: number): string;
}

/** Encoded records are gathered into pieces of about this many bytes (a piece holds whole records). */
export const PIECE_BYTES = 1 << 20;
/**
 * A writer's first piece is this big (or its first record's size), and each next one doubles up to
 * {@link PIECE_BYTES}, as the byte arena's blocks do: a batch encoded as read holds less than twice its bytes, so
 * the batcher's memory budget (which counts what batches hold) is not spent by a MiB per stream from its first
 * record (with three interleaved streams and a 2 MB limit, that flushed a batch at every record).
 */
export const FIRST_PIECE_BYTES = 4096;

/**
 * Gathers encoded records into pieces growing from {@link FIRST_PIECE_BYTES} to {@link PIECE_BYTES} (a piece holds
 * whole records; a huge record gets one of its own). Pieces leave the writer (a worker transfers them), so each
 * is new memory.
 *
 * @example
 * ```ts
 * const writer = new PieceWriter();
 * writer.write('1\tAda\n');
 * const pieces = writer.finish(); // [<Buffer 31 09 41 64 61 0a>]
 * ```
 */
export class PieceWriter {
  private readonly pieces: Buffer[] = [];
  private piece: (Buffer & FastUtf8) | undefined;
  private used = 0;
  private nextPieceBytes = FIRST_PIECE_BYTES;
  /** Bytes of the pieces allocated so far (what the writer holds in memory). */
  held = 0;

  write(text: string): void {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes; only when that much does not fit is the text measured, so a
    // piece is filled to its end, not to within 3 bytes a character of it (a batch encoded as read holds them all).
    const free = this.piece === undefined ? -1 : this.piece.length - this.used;
    if (free < text.length * 3 && (free < text.length || Buffer.byteLength(text) > free)) {
      this.seal();
      const bytes = Buffer.byteLength(text);
      this.piece = Buffer.allocUnsafeSlow(Math.max(this.nextPieceBytes, bytes)) as Buffer & FastUtf8;
      this.nextPieceBytes = Math.min(this.nextPieceBytes * 2, PIECE_BYTES);
      this.held += this.piece.length;
      this.used = 0;
    }
    this.used += this.piece!.utf8Write(text, this.used);
  }

  /** The pieces written, in order; the writer is empty afterwards. */
  finish(): Buffer[] {
    this.seal();
    this.piece = undefined;
    this.nextPieceBytes = FIRST_PIECE_BYTES;
    return this.pieces.splice(0);
  }

  private seal(): void {
    if (this.piece !== undefined && this.used > 0) this.pieces.push(this.piece.subarray(0, this.used));
    this.piece = undefined;
    this.used = 0;
  }
}

/** What one part of a batch (a run of its records, on one thread) was encoded to. */
export interface EncodedPart<E = unknown> {
  /** The encoded records, in order, each piece holding whole records. */
  pieces: Buffer[];
  /** What the encoder's `takeNotes` returned after the part, if anything. */
  notes: unknown;
  /** The records the encoder threw for, by index in the batch, in order. */
  rejected: { index: number; error: E }[];
}

/** The records of a part: their lines as read, and the per-record facts the encoder is told. */
export interface PartLines {
  lines: LineBytes;
  /** Index in the batch of the part's first record. */
  first: number;
  lineNumbers: ArrayLike<number>;
  receivedAt: ArrayLike<number>;
  /** Per record (indexed like the others): 1 when its line must be parsed exactly (see StreamBatch.exactNumbers). */
  exactNumbers: ArrayLike<number>;
  batchedAt: number;
}

/**
 * Parses each line of a part and encodes its record, on whichever thread runs it. A record the encoder throws
 * for is left out and listed (`failFast`: the part stops there, for the fail policy). The lines were validated
 * when read, so parsing them again cannot fail; a line whose first parse found no number a double cannot hold
 * is parsed with plain JSON.parse, which gives the same value without the exact parse's search for such numbers.
 *
 * @example
 * ```ts
 * const { pieces, rejected } = encodeLines(encoder, part, false, (error) => error);
 * ```
 */
export function encodeLines<E>(
  encoder: RecordEncoder,
  part: PartLines,
  failFast: boolean,
  describe: (error: unknown) => E,
): EncodedPart<E> {
  const writer = new PieceWriter();
  const rejected: { index: number; error: E }[] = [];
  const { lineNumbers, receivedAt, exactNumbers, batchedAt, first } = part;
  const meta: { -readonly [K in keyof EncodeMeta]: EncodeMeta[K] } = {
    message: undefined!,
    line: 0,
    receivedAt: 0,
    batchedAt,
  };
  let stopped = false;
  eachLine(part.lines, (block, start, end, i) => {
    if (stopped) return;
    const line = (block as Buffer & FastUtf8).utf8Slice(start, end);
    const message = (exactNumbers[i] === 1 ? parseJsonExact(line).value : JSON.parse(line)) as RecordMessage;
    meta.message = message;
    meta.line = lineNumbers[i]!;
    meta.receivedAt = receivedAt[i]!;
    let text: string;
    try {
      text = encoder.encode(message.record, meta);
    } catch (error) {
      rejected.push({ index: first + i, error: describe(error) });
      stopped = failFast;
      return;
    }
    writer.write(text);
  });
  return { pieces: writer.finish(), notes: encoder.takeNotes?.(), rejected };
}
