/**
 * Holds STATE messages until every record read before them has been exported. A STATE at line L is safe once the
 * watermark (the line of the oldest record not yet exported, in any stream, buffered or exporting) is above L.
 */
export class StateTracker {
  private pending: { line: number; text: string }[] = [];
  private bytes = 0;

  /** Queue a STATE (its value already serialised exactly) read at `line`. */
  add(line: number, text: string): void {
    this.pending.push({ line, text });
    this.bytes += text.length;
  }

  /** Bytes held by states not yet safe; counted into the memory budget. */
  get pendingBytes(): number {
    return this.bytes;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Takes every state that the watermark has passed and returns the newest of them (the older ones are superseded:
   * a Singer state is a full bookmark, and writing only the newest of several safe states is what targets do).
   */
  release(watermark: number): string | undefined {
    let count = 0;
    while (count < this.pending.length && this.pending[count]!.line < watermark) count++;
    if (count === 0) return undefined;
    const released = this.pending.splice(0, count);
    for (const s of released) this.bytes -= s.text.length;
    return released[released.length - 1]!.text;
  }
}
