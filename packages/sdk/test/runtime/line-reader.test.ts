import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { LineCursor, LineReader } from '../../src/runtime/line-reader';
import { BLOCK_BYTES, ByteArena } from '../../src/runtime/byte-arena';
import { appendText } from '../support/arena';
import { eachLine } from '../../src/runtime/line-bytes';

/** Every line of `chunks` as the cursor walks them: text and raw bytes. */
function walk(chunks: Buffer[]): { text: string; bytes: Buffer }[] {
  const cursor = new LineCursor();
  const lines: { text: string; bytes: Buffer }[] = [];
  for (const chunk of chunks) {
    cursor.reset(chunk);
    while (cursor.advance()) {
      if (lines.length === 0) cursor.skipByteOrderMark();
      lines.push({
        text: cursor.text(),
        bytes: Buffer.from(cursor.buffer.subarray(cursor.start, cursor.end)),
      });
      assert.equal(cursor.bytes, cursor.end - cursor.start);
    }
  }
  return lines;
}

async function readAll(input: Readable, maxLineBytes = 1024 * 1024) {
  const reader = new LineReader(input, maxLineBytes);
  const chunks: Buffer[] = [];
  for await (const chunk of reader.chunks()) chunks.push(chunk);
  return { lines: walk(chunks), chunks, failure: reader.failure };
}

describe('LineCursor', () => {
  it('splits on LF and CRLF, keeps blank lines, and keeps a CR that no LF follows', () => {
    const lines = walk([Buffer.from('a\r\nb\n\nc\rd\n\r\n  \ne\r')]).map((l) => l.text);
    assert.deepEqual(lines, ['a', 'b', '', 'c\rd', '', '  ', 'e\r']);
  });

  it('reads a last line without a line end, and no empty line after a final newline', () => {
    assert.deepEqual(
      walk([Buffer.from('x\ny')]).map((l) => l.text),
      ['x', 'y'],
    );
    assert.deepEqual(
      walk([Buffer.from('x\n')]).map((l) => l.text),
      ['x'],
    );
  });

  it('skips a byte order mark only where there is one', () => {
    assert.deepEqual(
      walk([Buffer.from('\uFEFF{"a":1}\n{"b":2}\n')]).map((l) => l.text),
      ['{"a":1}', '{"b":2}'],
    );
    assert.deepEqual(
      walk([Buffer.from('\uFEFF\n')]).map((l) => l.bytes.length),
      [0],
    );
    assert.deepEqual(
      walk([Buffer.from('ab\n')]).map((l) => l.text),
      ['ab'],
    );
  });
});

describe('LineReader', () => {
  it('gives back every line byte for byte, however the input is cut into reads', async () => {
    const line = fc
      .array(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('é', '中', '😀', '\\"', ',', '\r')), {
        maxLength: 8,
      })
      .map((parts) => JSON.stringify({ type: 'RECORD', stream: 's', record: { v: parts.join('') } }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 20 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
        async (lines, end, finalNewline, cuts) => {
          const bytes = Buffer.from(lines.join(end) + (finalNewline ? end : ''));
          const reads: Buffer[] = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length]!;
            reads.push(bytes.subarray(at, at + size));
            at += size;
          }
          const result = await readAll(Readable.from(reads, { objectMode: false }));
          assert.equal(result.failure, undefined);
          assert.deepEqual(
            result.lines.map((l) => l.text),
            lines,
          );
          assert.deepEqual(
            result.lines.map((l) => l.bytes),
            lines.map((l) => Buffer.from(l)),
          );
          // Chunks hold whole lines only: each ends at a line end, except the input's unterminated last line.
          for (const chunk of result.chunks.slice(0, -1)) assert.equal(chunk.at(-1), 0x0a);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('passes the lines before an invalid UTF-8 line and reports it', async () => {
    const input = Buffer.concat([
      Buffer.from('{"a":1}\n{"b":2}\n'),
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
      Buffer.from('{"c":3}\n'),
    ]);
    const result = await readAll(
      Readable.from([input.subarray(0, 5), input.subarray(5)], { objectMode: false }),
    );
    assert.deepEqual(
      result.lines.map((l) => l.text),
      ['{"a":1}', '{"b":2}'],
    );
    assert.deepEqual(result.failure, { code: 'ERR_INVALID_UTF8', bytes: 3 });
  });

  it('refuses a line longer than the cap even when it arrives in small reads', async () => {
    const long = 'x'.repeat(100);
    const result = await readAll(
      Readable.from(
        [Buffer.from('ok\n'), Buffer.from(long.slice(0, 50)), Buffer.from(`${long.slice(50)}\n`)],
        {
          objectMode: false,
        },
      ),
      64,
    );
    assert.deepEqual(
      result.lines.map((l) => l.text),
      ['ok'],
    );
    assert.equal(result.failure?.code, 'ERR_LINE_TOO_LONG');
  });
});

describe('ByteArena', () => {
  it('returns each item as appended, across block boundaries', () => {
    const arena = new ByteArena();
    const items: string[] = [];
    const pieces = [
      'ä€😀 "quoted"',
      'x'.repeat(BLOCK_BYTES - 10),
      'straddles the block end',
      '',
      'y'.repeat(BLOCK_BYTES + 5),
      'z',
    ];
    for (const text of pieces) {
      items.push(text);
      const source = Buffer.from(`..${text}..`);
      assert.equal(arena.appendBytes(source, 2, source.length - 2), Buffer.byteLength(text));
    }
    assert.deepEqual(
      items.map((_, i) => arena.text(i)),
      items,
    );
    assert.equal(Buffer.concat(arena.blockViews()).toString('utf8'), items.join(''));
    assert.equal(arena.bytes, Buffer.byteLength(items.join('')));
    arena.release();
  });

  it('finds every item again, whatever the mix of sizes, by index and by walking the lengths (property)', () => {
    const item = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer({ min: 0, max: BLOCK_BYTES + 10 }).map((n) => 'é'.repeat(Math.floor(n / 2))),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), (items) => {
        const arena = new ByteArena();
        for (const text of items) appendText(arena, text);
        assert.deepEqual(
          items.map((_, i) => arena.text(i)),
          items,
        );
        // What a worker thread gets: the blocks and each item's length, walked from any item on.
        const from = Math.floor(items.length / 3);
        const { block, offset } = arena.startOf(from);
        const lineBytes = { blocks: arena.blockViews(), lengths: arena.lengths().slice(from), block, offset };
        const walked: string[] = [];
        eachLine(lineBytes, (block, start, end, i) => {
          assert.equal(i, walked.length);
          walked.push(block.toString('utf8', start, end));
        });
        assert.deepEqual(walked, items.slice(from));
        arena.release();
      }),
      { numRuns: 60 },
    );
  });
});
