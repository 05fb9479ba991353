/**
 * The state guarantee, in one place: a STATE read at line L is released (may be written to stdout) only when no
 * record read before line L is outstanding, in any stream. A record is outstanding from the moment it is buffered
 * until the export of its batch returned successfully: buffered, waiting for its turn, and exporting all count.
 *
 * The ledger holds every outstanding batch with its line range, and the watermark is the lowest first line over
 * all of them: not the first batch in flush order (memory pressure flushes the largest stream first and age
 * timers flush whichever stream is old, so flush order is not line order).
 *
 * @example
 * ```ts
 * const ledger = new CheckpointLedger();
 * const batch = ledger.open(4);        // a record of line 4 was buffered
 * ledger.addState(5, '{"at":5}');
 * ledger.release();                    // undefined: line 4 is outstanding
 * ledger.settle(batch);                // its export succeeded
 * ledger.release();                    // '{"at":5}'
 * ```
 */
export class CheckpointLedger {
  /**
   * Outstanding batches in the order they were opened. A batch is opened by its first record, and records come
   * in line order, so opening order is first-line order: the first entry still here has the lowest first line.
   */
  private readonly outstanding = new Set<OutstandingBatch>();
  private readonly states: { line: number; text: string }[] = [];
  private lastOpened = 0;
  private stateBytes = 0;

  /** Starts tracking a batch whose first record was read at `firstLine`. */
  open(firstLine: number): OutstandingBatch {
    if (firstLine <= this.lastOpened)
      throw new Error(`ledger: batch opened at line ${firstLine} after one at line ${this.lastOpened}`);
    this.lastOpened = firstLine;
    const batch = new OutstandingBatch(firstLine);
    this.outstanding.add(batch);
    return batch;
  }

  /** The batch's export returned successfully: its records are stored. */
  settle(batch: OutstandingBatch): void {
    this.outstanding.delete(batch);
  }

  /** How many batches are outstanding (buffered, waiting or exporting). */
  get outstandingCount(): number {
    return this.outstanding.size;
  }

  /** The line of the oldest outstanding record; Infinity when nothing is outstanding. */
  watermark(): number {
    for (const batch of this.outstanding) return batch.firstLine;
    return Infinity;
  }

  /** Holds a STATE (its value already serialised exactly) read at `line` until the watermark passes it. */
  addState(line: number, text: string): void {
    this.states.push({ line, text });
    this.stateBytes += text.length;
  }

  /** Whether a held state is already safe (so a release is worth queueing). */
  hasReleasable(): boolean {
    const first = this.states[0];
    return first !== undefined && first.line < this.watermark();
  }

  /** Bytes of the states held; counted into the memory budget. */
  get pendingStateBytes(): number {
    return this.stateBytes;
  }

  get pendingStateCount(): number {
    return this.states.length;
  }

  /**
   * Takes every held state the watermark has passed and returns the newest of them, or undefined. The older ones
   * are superseded: a Singer state is a full bookmark, and writing only the newest safe one is what targets do.
   */
  release(): string | undefined {
    const watermark = this.watermark();
    let count = 0;
    while (count < this.states.length && this.states[count]!.line < watermark) count++;
    if (count === 0) return undefined;
    const released = this.states.splice(0, count);
    for (const state of released) this.stateBytes -= state.text.length;
    return released[released.length - 1]!.text;
  }
}

/** One batch in the ledger: the input lines of its records so far. */
export class OutstandingBatch {
  lastLine: number;
  constructor(readonly firstLine: number) {
    this.lastLine = firstLine;
  }

  /** Another record of the batch was read. */
  extend(line: number): void {
    this.lastLine = line;
  }
}
