/** The places one batch file's lines took in the input order. */
interface FileSpan {
  first: number;
  /** Infinity while the file is being read. */
  last: number;
  batchLine: number;
  stream: string;
  url: string;
  /** Places taken by batch-file lines up to the end of this file, over the whole run. */
  shiftAfter: number;
}

/**
 * Says where a record was read from its place in the input order (`EncodeContext.line`, `BatchContext.lineNumbers`,
 * the checkpoint ledger's lines). A place is a stdin line for a RECORD line; the lines of a BATCH message's files
 * take the places right after the BATCH line, so later stdin lines are shifted by them (see ProcessLoop). This keeps
 * which places each batch file took, for as long as a record of it can still be named (until the ledger's
 * watermark passes it), so memory stays at the number of files with records outstanding.
 *
 * @example
 * ```ts
 * const places = new InputPlaces();
 * places.startFile(3, 2, 'users', 'file:///b/part-1.jsonl.gz'); // BATCH at line 2; its file's line 1 is place 3
 * places.endBatch(4);                                            // the file had 2 lines: places 3 and 4
 * places.describe(4); // 'line 2 (BATCH for stream "users"), file:///b/part-1.jsonl.gz line 2'
 * places.describe(5); // 'line 3'
 * places.locate(4);   // { line: 2, stream: 'users', file: 'file:///b/part-1.jsonl.gz', fileLine: 2 }
 * ```
 */
export class InputPlaces {
  private readonly spans: FileSpan[] = [];
  /** `shiftAfter` of the last span forgotten. */
  private forgottenShift = 0;

  /** A BATCH message's file begins: its line 1 takes place `first`. */
  startFile(first: number, batchLine: number, stream: string, url: string): void {
    const previous = this.spans.at(-1);
    let shift = previous?.shiftAfter ?? this.forgottenShift;
    if (previous !== undefined && previous.last === Infinity) {
      previous.last = first - 1;
      previous.shiftAfter = shift = shift + (previous.last - previous.first + 1);
    }
    this.spans.push({ first, last: Infinity, batchLine, stream, url, shiftAfter: shift });
  }

  /** The BATCH message's files are read: the last place its last file took (nothing more when it had no lines). */
  endBatch(last: number): void {
    const span = this.spans.at(-1);
    if (span === undefined || span.last !== Infinity) return;
    span.last = last;
    span.shiftAfter += Math.max(0, last - span.first + 1);
    if (span.last < span.first) this.spans.pop(); // an empty file: no record can be named by it
  }

  /** No record placed before `place` will be named any more (the ledger's watermark passed it). */
  forget(place: number): void {
    while (this.spans.length > 0 && this.spans[0]!.last < place)
      this.forgottenShift = this.spans.shift()!.shiftAfter;
  }

  /** The stdin line of the message a place belongs to: its own line, or for a batch file's record its BATCH's. */
  lineOf(place: number): number {
    return this.locate(place).line;
  }

  /**
   * A place as error fields: `{ line }` for a stdin line, or for a batch file's record its BATCH message's line,
   * stream, file and line in the file (as the read-time checks give them).
   */
  locate(place: number): { line: number; stream?: string; file?: string; fileLine?: number } {
    const span = this.spanOf(place);
    if (span === undefined) return { line: place - this.shiftBefore(place) };
    return { line: span.batchLine, stream: span.stream, file: span.url, fileLine: place - span.first + 1 };
  }

  /**
   * `line 12`, or `line 4 (BATCH for stream "users"), file:///b/part-1.jsonl.gz line 3`: what follows the input's
   * name (`stdin`, `input`) in a message.
   */
  describe(place: number): string {
    const { line, stream, file, fileLine } = this.locate(place);
    if (file === undefined) return `line ${line}`;
    return `line ${line} (BATCH for stream "${stream}"), ${file} line ${fileLine}`;
  }

  /** `lines 3-9`, or the two ends described when either is in a batch file. */
  describeRange(first: number, last: number): string {
    if (this.spanOf(first) === undefined && this.spanOf(last) === undefined)
      return `lines ${this.lineOf(first)}-${this.lineOf(last)}`;
    return first === last ? this.describe(first) : `${this.describe(first)} to ${this.describe(last)}`;
  }

  private spanOf(place: number): FileSpan | undefined {
    for (let i = this.spans.length - 1; i >= 0; i--) {
      const span = this.spans[i]!;
      if (place > span.last) return undefined;
      if (place >= span.first) return span;
    }
    return undefined;
  }

  /** Places taken by batch-file lines before `place` (a stdin line's place). */
  private shiftBefore(place: number): number {
    for (let i = this.spans.length - 1; i >= 0; i--) {
      const span = this.spans[i]!;
      if (span.last < place) return span.shiftAfter;
    }
    return this.forgottenShift;
  }
}
