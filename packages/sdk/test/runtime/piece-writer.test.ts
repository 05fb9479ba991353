import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FIRST_PIECE_BYTES, PIECE_BYTES, PieceWriter } from '../../src/runtime/encode-lines';

describe('the piece writer', () => {
  it('starts small and doubles its pieces up to the full size, holding about twice its bytes at most, records whole', () => {
    const writer = new PieceWriter();
    writer.write('1\tAda\n');
    assert.equal(writer.held, FIRST_PIECE_BYTES);
    const line = `${'é'.repeat(150)}\t漢字\n`;
    let bytes = 6;
    for (let i = 0; i < 20_000; i++) {
      writer.write(line);
      bytes += Buffer.byteLength(line);
      // Right after a new piece: the pieces so far (FIRST x (2^(k+1) - 1)) against the k full ones' bytes.
      assert.ok(writer.held <= 2 * bytes + 2 * FIRST_PIECE_BYTES, `${writer.held} held for ${bytes} bytes`);
    }
    const pieces = writer.finish();
    assert.deepEqual(
      pieces.slice(0, 4).map((piece) => piece.buffer.byteLength),
      [FIRST_PIECE_BYTES, 2 * FIRST_PIECE_BYTES, 4 * FIRST_PIECE_BYTES, 8 * FIRST_PIECE_BYTES],
    );
    assert.equal(Math.max(...pieces.map((piece) => piece.buffer.byteLength)), PIECE_BYTES);
    const text = Buffer.concat(pieces).toString('utf8');
    assert.equal(text, `1\tAda\n${line.repeat(20_000)}`);
    for (const piece of pieces)
      assert.ok(piece.toString('utf8').endsWith('\n'), 'a piece holds whole records');
  });

  it('starts small again after finish, and gives a record bigger than a piece a piece of its own', () => {
    const writer = new PieceWriter();
    for (let i = 0; i < 5000; i++) writer.write('x'.repeat(99) + '\n');
    writer.finish();
    writer.write('y\n');
    const huge = 'z'.repeat(PIECE_BYTES + 10) + '\n';
    writer.write(huge);
    const pieces = writer.finish();
    assert.deepEqual(
      pieces.map((piece) => piece.length),
      [2, huge.length],
    );
    assert.equal(pieces[0]!.buffer.byteLength, FIRST_PIECE_BYTES);
  });
});
