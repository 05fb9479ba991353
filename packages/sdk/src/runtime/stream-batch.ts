import type { JsonSchema } from '../contexts';
import { ByteArena } from './byte-arena';
import type { OutstandingBatch } from './checkpoint-ledger';
import { PieceWriter } from './encode-lines';
import type { EncodedBatch, EncoderHandle } from './encode-stage';
import type { ExtraPropertyNote } from './extra-properties';

/** What a batch's records were read under, fixed by its first record and handed to its export. */
export interface BatchFacts {
  readonly stream: string;
  readonly schema: JsonSchema;
  readonly keyProperties: string[];
  /** The stream state (what `@OnSchema` returned) the records were read under. */
  readonly streamState: unknown;
  /** With `@EncodeWith`: the stream's encoder the records are encoded with. */
  readonly encoder: EncoderHandle | undefined;
}

/**
 * One stream's buffered records: their line text in a {@link ByteArena}
 * (outside the JavaScript heap, see there why), or, for an encoder that encodes as records are read, their
 * encoded text; plus parallel arrays of line numbers and receive times (no wrapper object per record on the hot
 * path).
 */
export class StreamBatch {
  readonly arena: ByteArena;
  readonly lines: number[] = [];
  readonly receivedAt: number[] = [];
  /**
   * Per record, 1 when its line holds a number a double cannot hold, else 0: a thread parses only those lines
   * exactly again (the exact parse's search for such literals cost a third of a plain JSON.parse per line).
   */
  readonly exactNumbers: number[] = [];
  /** UTF-8 bytes of the buffered RECORD lines: what the batch size limit counts. */
  bytes = 0;
  /** Records encoded as they were read (see {@link StreamBatch.addEncoded}): their text, instead of their lines. */
  private asRead: PieceWriter | undefined;
  /** Set by the first record: the stream, schema and keys the records were read under. */
  facts: BatchFacts | undefined;
  /** The batch's entry in the checkpoint ledger, from its first record until its export succeeded. */
  checkpoint: OutstandingBatch | undefined;
  /** Records of this batch that held properties outside the schema (for the batch's one warning). */
  extraProperties: ExtraPropertyNote | undefined;
  /** Set when flushed: the batch's number in the run and in its stream (1-based). */
  batchNumber = 0;
  streamBatchNumber = 0;
  /** When the batch was sealed (flushed to the export queue), epoch ms: its `batchedAt`. */
  sealedAt = 0;
  /** With `@EncodeWith`: the encode stage's work on the batch, from its sealing. */
  encoding: Promise<EncodedBatch> | undefined;
  /** The encoded text and notes, once the refused records were taken out (see {@link StreamBatch.dropRecords}). */
  encoded: { chunks: Buffer[]; notes: unknown[] } | undefined;

  /** `shared`: the batch goes to the encode stage, whose threads read its lines in place (see ByteArena). */
  constructor(options: { shared: boolean }) {
    this.arena = new ByteArena(options);
  }

  get size(): number {
    return this.lines.length;
  }

  /** Line of the oldest buffered record, or Infinity when empty. */
  get firstLine(): number {
    return this.lines[0] ?? Infinity;
  }

  /**
   * Buffers a record's line, given as its UTF-8 bytes `source[start, end)`, and whether it holds a number a double
   * cannot hold (see {@link StreamBatch.exactNumbers}); returns its size in bytes.
   */
  addLine(source: Buffer, start: number, end: number, line: number, now: number, exact: boolean): number {
    this.lines.push(line);
    this.receivedAt.push(now);
    this.exactNumbers.push(exact ? 1 : 0);
    const bytes = this.arena.appendBytes(source, start, end);
    this.bytes += bytes;
    return bytes;
  }

  /**
   * Buffers a record already encoded as it was read (its line is not kept); `lineBytes` is its line's size, which
   * the batch size limit counts as for any record. Returns `lineBytes`.
   */
  addEncoded(text: string, lineBytes: number, line: number, now: number): number {
    this.lines.push(line);
    this.receivedAt.push(now);
    (this.asRead ??= new PieceWriter()).write(text);
    this.bytes += lineBytes;
    return lineBytes;
  }

  /** Whether the records were encoded as they were read ({@link StreamBatch.addEncoded}). */
  get encodedAsRead(): boolean {
    return this.asRead !== undefined;
  }

  /** The text of the records encoded as read, once (for the encode stage when the batch is sealed). */
  takeEncoded(): Buffer[] {
    return this.asRead?.finish() ?? [];
  }

  /** Bytes of memory the buffered records hold: their blocks, or their encoded pieces. */
  get held(): number {
    return this.arena.held + (this.asRead?.held ?? 0);
  }

  /**
   * Takes records out of the line numbers and receive times (those the encoder refused; `indexes` ascending);
   * their lines stay in the arena, which the encoded batch no longer reads.
   */
  dropRecords(indexes: readonly number[]): void {
    if (indexes.length === 0) return;
    const dropped = new Set(indexes);
    let kept = 0;
    for (let i = 0; i < this.lines.length; i++) {
      if (dropped.has(i)) continue;
      this.lines[kept] = this.lines[i]!;
      this.receivedAt[kept] = this.receivedAt[i]!;
      kept++;
    }
    this.lines.length = kept;
    this.receivedAt.length = kept;
  }

  /** The i-th record's line text. */
  text(index: number): string {
    return this.arena.text(index);
  }

  /**
   * Frees the batch's line memory for reuse: once its export has finished, or once it was encoded (the export
   * then reads the encoded text only). A second call does nothing.
   */
  release(): void {
    this.arena.release();
  }
}
