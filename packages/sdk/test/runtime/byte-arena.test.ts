import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_BYTES, ByteArena, SMALLEST_BLOCK_BYTES } from '../../src/runtime/byte-arena';

describe('the byte arena', () => {
  it('starts with a block as small as its first item, so a stream of one record holds bytes, not a MiB', () => {
    const arena = new ByteArena();
    arena.append('x');
    assert.equal(arena.held, SMALLEST_BLOCK_BYTES);
    const big = new ByteArena();
    big.append('y'.repeat(300));
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
      arena.append(line);
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
});
