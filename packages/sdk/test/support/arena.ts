import type { ByteArena } from '../../src/runtime/byte-arena';

/** Appends `text` to the arena as a line read from input is appended: as its UTF-8 bytes. */
export function appendText(arena: ByteArena, text: string): number {
  const bytes = Buffer.from(text);
  return arena.appendBytes(bytes, 0, bytes.length);
}
