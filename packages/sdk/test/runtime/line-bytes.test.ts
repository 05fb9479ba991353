import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { ByteArena, setArenaPoolLimit } from '../../src/runtime/byte-arena';
import { appendText } from '../support/arena';
import { eachLine, type LineBytes } from '../../src/runtime/line-bytes';

/** What the other end of a worker's message port receives for `value` (a structured clone). */
function throughPort<T>(value: T): Promise<{ copy: T; ports: [MessagePort, MessagePort] }> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port2.once('message', (copy: T) => resolve({ copy, ports: [port1, port2] }));
    port1.postMessage(value);
  });
}

const texts = (lines: LineBytes) => {
  const found: string[] = [];
  eachLine(lines, (block, start, end) => found.push(block.toString('utf8', start, end)));
  return found;
};

/** The run of lines `[from, to)` of an arena, as the encode stage posts it to a thread. */
function runOf(arena: ByteArena, from: number, to: number): LineBytes {
  const { block, offset } = arena.startOf(from);
  return { blocks: arena.blockViews(), lengths: arena.lengths().slice(from, to), block, offset };
}

describe('a run of batch lines (line-bytes.ts)', () => {
  const lines = [
    '{"type":"RECORD","stream":"users","record":{"id":1,"name":"ä 漢字 🎉"}}',
    '{"type": "RECORD", "stream": "users", "record": {"id": 2, "name": "spaced \\"as sent\\""}}',
    '',
    `{"type":"RECORD","stream":"users","record":{"id":3,"name":"${'€'.repeat(400_000)}"}}`, // > one 1 MiB block
    '{"type":"RECORD","stream":"users","record":{"id":4,"name":"after the big one"}}',
  ];
  const arena = new ByteArena();
  for (const line of lines) appendText(arena, line);

  it('finds every run of lines byte for byte, from any first line, across blocks', () => {
    for (let from = 0; from <= lines.length; from++)
      for (let to = from; to <= lines.length; to++)
        assert.deepEqual(texts(runOf(arena, from, to)), lines.slice(from, to), `${from}-${to}`);
  });

  it('lives in shared memory that a worker sees without a copy', async () => {
    setArenaPoolLimit(0);
    const run = runOf(arena, 1, 5);
    const { copy, ports } = await throughPort(run);
    assert.deepEqual(texts(copy), lines.slice(1, 5));
    assert.ok(copy.blocks.every((b) => b.buffer instanceof SharedArrayBuffer));
    // Shared, not copied: a byte changed here is seen through the posted copy.
    const first = run.blocks[0]!;
    const before = first[0]!;
    first[0] = 0x20;
    assert.equal(copy.blocks[0]![0], 0x20);
    first[0] = before;
    for (const port of ports) port.close();
  });
});
