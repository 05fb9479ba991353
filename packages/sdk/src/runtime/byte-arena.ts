/**
 * Batch storage outside the JavaScript heap. Buffered records' lines are copied as read (UTF-8) into fixed-size
 * blocks, and the blocks are reused from batch to batch.
 *
 * Why: kept as JavaScript strings or objects, a 100 MB batch becomes garbage in the old generation at every
 * flush, and V8 collects old-generation garbage late, so peak memory was 3-4x the batch limit. Blocks from a pool
 * make memory what the limit says, and give the garbage collector nothing to trace or copy.
 */
export const BLOCK_BYTES = 1024 * 1024;
/**
 * An arena's first block is just big enough for its first item (at least this many bytes), and each next block
 * doubles, up to BLOCK_BYTES: in a run with thousands of streams most hold a few records, and a full block each
 * was a MiB per stream (3,000 streams of one record held 3 GB). What an arena holds stays under twice its bytes.
 */
export const SMALLEST_BLOCK_BYTES = 64;

/** Free blocks, shared by every arena of the process: one pool of shared-memory blocks, one of ordinary ones. */
const pools: { shared: Buffer[]; plain: Buffer[] } = { shared: [], plain: [] };
/**
 * Never keep more free blocks than this (the rest are left to the garbage collector). None until an entry point
 * that owns the process sizes the pool (see process-tuning.ts): an embedding program keeps no blocks after a run.
 */
let poolLimit = 0;

/** Sizes the pool (process tuning: two batches' worth, one exporting, one filling). */
export function setArenaPoolLimit(blocks: number): void {
  poolLimit = Math.max(0, blocks);
  for (const pool of [pools.shared, pools.plain]) pool.length = Math.min(pool.length, poolLimit);
}

/** How many free blocks the pool keeps at most. */
export function arenaPoolLimit(): number {
  return poolLimit;
}

// A shared arena's blocks live in SharedArrayBuffer memory so that the encode stage can hand a batch to worker
// threads without copying it (posting a view of shared memory shares it). Only a batch that goes to an encode
// stage needs that: copying a line into shared memory takes V8's relaxed-atomic copy, which moves one byte at a
// time unless source and target happen to be aligned alike (about 280 ns for a 330-byte line against 95 ns into
// ordinary memory, measured on the bench machine), so the other batches' arenas use ordinary memory.
const sharedBlock = (bytes: number) => Buffer.from(new SharedArrayBuffer(bytes));
// Not Node's shared slab (allocUnsafe): a block is kept and reused whole. Uninitialised is fine: only the bytes
// written are ever read (an item is read back by its own range, and views end where the writing ended).
const plainBlock = (bytes: number) => Buffer.allocUnsafeSlow(bytes);

/**
 * A block of at least `minBytes`, of `size` bytes when that is enough; full-size ones come from the pool of the
 * arena's kind (shared or plain memory).
 */
function takeBlock(minBytes: number, size: number, shared: boolean): Buffer {
  const make = shared ? sharedBlock : plainBlock;
  if (minBytes > BLOCK_BYTES) return make(minBytes);
  const bytes = Math.max(size, minBytes);
  if (bytes <= BLOCK_BYTES / 2) return make(bytes);
  // A free full block is memory the process holds anyway (the pool is bounded): reuse it rather than make garbage
  // of full blocks batch after batch (a long run of one stream would otherwise grow its RSS). Only where the arena
  // takes a full block anyway: a pooled block for a batch's first line made every stream's batch hold a MiB from
  // its first record, so with three interleaved streams and a 2 MB limit the batcher flushed at every record.
  return (shared ? pools.shared : pools.plain).pop() ?? make(BLOCK_BYTES);
}

/**
 * An append-only sequence of UTF-8 byte ranges. `shared`: the blocks are SharedArrayBuffer memory, for a batch
 * the encode stage hands to worker threads (default); otherwise ordinary memory, which lines are copied into
 * faster.
 *
 * @example
 * ```ts
 * const arena = new ByteArena({ shared: false });
 * arena.appendBytes(chunk, start, end);
 * arena.text(0); // the line again
 * arena.release();
 * ```
 */
export class ByteArena {
  readonly shared: boolean;
  private readonly blocks: Buffer[] = [];
  private current: Buffer | undefined;
  private used = 0;
  /** How far each finished block was filled. */
  private readonly fullTo: number[] = [];
  /**
   * Where each appended item ends in its block (one number per item, no object). Items are contiguous and each
   * block starts with a new item, so an item starts where the one before it ended, or at 0 when it is the first
   * of its block; `firstItem[b]` is the index of block b's first item.
   */
  private readonly ends: number[] = [];
  private readonly firstItem: number[] = [];
  /** Bytes appended. */
  bytes = 0;
  /** Bytes of the blocks the arena holds: what it really costs in memory (at least `bytes`). */
  held = 0;

  constructor(options: { shared?: boolean } = {}) {
    this.shared = options.shared ?? true;
  }

  /** Appends bytes that already are UTF-8 (a line as read): a plain copy. Returns how many bytes it took. */
  appendBytes(source: Buffer, start: number, end: number): number {
    const length = end - start;
    let block = this.current;
    if (block === undefined || block.length - this.used < length) block = this.newBlock(length);
    source.copy(block, this.used, start, end);
    return this.recordItem(length);
  }

  private recordItem(length: number): number {
    this.used += length;
    this.ends.push(this.used);
    this.bytes += length;
    return length;
  }

  /** The i-th item decoded back to a string. */
  text(index: number): string {
    const block = this.blockIndexOf(index);
    const start = this.firstItem[block] === index ? 0 : this.ends[index - 1]!;
    return this.blocks[block]!.toString('utf8', start, this.ends[index]);
  }

  /**
   * Every block, filled part only, in order, including a block whose items are all empty: with
   * {@link ByteArena.lengths} this is enough to find every item again (see line-bytes.ts).
   */
  blockViews(): Buffer[] {
    return this.blocks.map((block, b) =>
      block.subarray(0, b === this.blocks.length - 1 ? this.used : this.fullTo[b]),
    );
  }

  /** Where item `index` starts: its block (an index into {@link ByteArena.blockViews}) and its offset there. */
  startOf(index: number): { block: number; offset: number } {
    if (index >= this.ends.length) return { block: this.blocks.length, offset: 0 };
    const block = this.blockIndexOf(index);
    return { block, offset: this.firstItem[block] === index ? 0 : this.ends[index - 1]! };
  }

  /** Each item's length in bytes, in order. */
  lengths(): Int32Array {
    const lengths = new Int32Array(this.ends.length);
    let block = 0;
    for (let i = 0; i < lengths.length; i++) {
      while (this.firstItem[block + 1] === i) block++;
      lengths[i] = this.ends[i]! - (this.firstItem[block] === i ? 0 : this.ends[i - 1]!);
    }
    return lengths;
  }

  /** Gives the blocks back to the pool. The arena, and any chunk taken from it, must not be used afterwards. */
  release(): void {
    const pool = this.shared ? pools.shared : pools.plain;
    for (const block of this.blocks)
      if (block.length === BLOCK_BYTES && pool.length < poolLimit) pool.push(block);
    this.blocks.length = 0;
    this.fullTo.length = 0;
    this.current = undefined;
    this.held = 0;
  }

  /** The block holding item `index`: the last block whose first item is at or before it (binary search). */
  private blockIndexOf(index: number): number {
    let low = 0;
    let high = this.firstItem.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.firstItem[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private newBlock(minBytes: number): Buffer {
    const size =
      this.current === undefined ? SMALLEST_BLOCK_BYTES : Math.min(this.current.length * 2, BLOCK_BYTES);
    const block = takeBlock(minBytes, size, this.shared);
    this.held += block.length;
    if (this.current !== undefined) this.fullTo.push(this.used);
    this.firstItem.push(this.ends.length);
    this.blocks.push(block);
    this.current = block;
    this.used = 0;
    return block;
  }
}
