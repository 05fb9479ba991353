import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLOCK_BYTES,
  ByteArena,
  SMALLEST_BLOCK_BYTES,
  arenaPoolLimit,
  setArenaPoolLimit,
} from '../../src/runtime/byte-arena';
import { appendText } from '../support/arena';

describe('the byte arena', () => {
  it('starts with a block as small as its first item, so a stream of one record holds bytes, not a MiB', () => {
    const arena = new ByteArena();
    appendText(arena, 'x');
    assert.equal(arena.held, SMALLEST_BLOCK_BYTES);
    const big = new ByteArena();
    appendText(big, 'y'.repeat(300));
    assert.equal(big.held, 300);
    arena.release();
    big.release();
  });

  it('doubles each next block up to the full block size, holding less than twice its bytes past the first MiB', () => {
    const arena = new ByteArena();
    const line = 'z'.repeat(1000);
    const sizes = new Set<number>();
    let held = 0;
    for (let i = 0; i < 5000; i++) {
      appendText(arena, line);
      if (arena.held !== held) sizes.add(arena.held - held);
      held = arena.held;
    }
    assert.ok(Math.max(...sizes) === BLOCK_BYTES, [...sizes].join(','));
    assert.deepEqual([...sizes].slice(0, 4), [1000, 2000, 4000, 8000]);
    assert.ok(arena.held < arena.bytes * 2, `${arena.held} held for ${arena.bytes} bytes`);
    for (let i = 0; i < 5000; i++) assert.equal(arena.text(i), line);
    arena.release();
    assert.equal(arena.held, 0);
  });

  it('takes a free full block from the pool only where it would make a full block, not for its first item', () => {
    const before = arenaPoolLimit();
    setArenaPoolLimit(8);
    try {
      const full = new ByteArena({ shared: false });
      appendText(full, 'x'.repeat(BLOCK_BYTES - 1));
      const [pooled] = full.blockViews();
      full.release();
      // A batch's first line gets a small block, with a full one free: held stays near its bytes.
      const arena = new ByteArena({ shared: false });
      appendText(arena, 'y');
      assert.equal(arena.held, SMALLEST_BLOCK_BYTES);
      // Past half a MiB the arena takes a full block: then the free one.
      appendText(arena, 'z'.repeat(BLOCK_BYTES / 2 + 1));
      assert.equal(arena.blockViews()[1]!.buffer, pooled!.buffer);
      arena.release();
    } finally {
      setArenaPoolLimit(before);
    }
  });

  it('holds the same items in ordinary and in shared memory, and a pool never gives a block of the other kind', () => {
    const before = arenaPoolLimit();
    setArenaPoolLimit(8);
    try {
      const source = Buffer.from('{"a":"Zoë 😀"}\n{"b":2}\n');
      const items = ['{"a":"Zoë 😀"}', '{"b":2}', 'x'.repeat(BLOCK_BYTES - 10), 'y'.repeat(BLOCK_BYTES + 5)];
      const fill = (arena: ByteArena) => {
        arena.appendBytes(source, 0, Buffer.byteLength(items[0]!));
        arena.appendBytes(source, Buffer.byteLength(items[0]!) + 1, source.length - 1);
        appendText(arena, items[2]!);
        appendText(arena, items[3]!);
        return arena;
      };
      const kindsOf = (arena: ByteArena) => [
        ...new Set(arena.blockViews().map((b) => b.buffer instanceof SharedArrayBuffer)),
      ];
      for (let round = 0; round < 2; round++) {
        // The second round takes full blocks back from the pools the first round's release filled.
        const plain = fill(new ByteArena({ shared: false }));
        const shared = fill(new ByteArena());
        assert.deepEqual(kindsOf(plain), [false]);
        assert.deepEqual(kindsOf(shared), [true]);
        for (const arena of [plain, shared]) {
          assert.deepEqual(
            items.map((_, i) => arena.text(i)),
            items,
          );
          assert.deepEqual(
            [...arena.lengths()],
            items.map((t) => Buffer.byteLength(t)),
          );
          assert.equal(Buffer.concat(arena.blockViews()).toString(), items.join(''));
        }
        plain.release();
        shared.release();
      }
    } finally {
      setArenaPoolLimit(before);
    }
  });
});
