import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import {
  Destination,
  EncodeRecord,
  ExportBatch,
  eachLine,
  type BatchContext,
  type LineBytes,
} from '../../src/index';
import { runTestDestination } from '../../src/testing/index';
import { record, schema } from '../support/messages';

const users = schema('users', { id: { type: 'integer' }, name: { type: 'string' } }, ['id']);

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
  eachLine(lines, 0, lines.lengths.length, (block, start, end) =>
    found.push(block.toString('utf8', start, end)),
  );
  return found;
};

describe('BatchContext.lineBytes', () => {
  const lines = [
    '{"type":"RECORD","stream":"users","record":{"id":1,"name":"ä 漢字 🎉"}}',
    '{"type": "RECORD", "stream": "users", "record": {"id": 2, "name": "spaced \\"as sent\\""}}',
    `{"type":"RECORD","stream":"users","record":{"id":3,"name":"${'€'.repeat(400_000)}"}}`, // > one 1 MiB block
    '{"type":"RECORD","stream":"users","record":{"id":4,"name":"after the big one"}}',
  ];

  it('holds the RECORD lines byte for byte as read, in shared memory that a worker sees without a copy', async () => {
    let seen: { here: string[]; there: string[]; shared: boolean; sharedThere: boolean } | undefined;
    @Destination()
    class Handoff {
      @ExportBatch
      async write({ lineBytes }: BatchContext) {
        const { copy, ports } = await throughPort(lineBytes!);
        seen = {
          here: texts(lineBytes!),
          there: texts(copy),
          shared: lineBytes!.blocks.every((b) => b.buffer instanceof SharedArrayBuffer),
          sharedThere: copy.blocks.every((b) => b.buffer instanceof SharedArrayBuffer),
        };
        // Shared, not copied: a byte changed here is seen through the posted copy.
        const first = lineBytes!.blocks[0]!;
        const before = first[0]!;
        first[0] = 0x20;
        assert.equal(copy.blocks[0]![0], 0x20);
        first[0] = before;
        for (const port of ports) port.close();
      }
    }
    const result = await runTestDestination(Handoff, { messages: [users, ...lines] });
    assert.equal(result.error, undefined);
    assert.deepEqual(seen, { here: lines, there: lines, shared: true, sharedThere: true });
  });

  it('is undefined for a destination with @EncodeRecord (its batch holds the encoded text instead)', async () => {
    let lineBytes: LineBytes | undefined | 'unset' = 'unset';
    @Destination()
    class Encoding {
      @EncodeRecord
      encode() {
        return 'x';
      }
      @ExportBatch
      write(context: BatchContext) {
        lineBytes = context.lineBytes;
      }
    }
    const result = await runTestDestination(Encoding, {
      messages: [users, record('users', { id: 1, name: 'a' })],
    });
    assert.equal(result.error, undefined);
    assert.equal(lineBytes, undefined);
  });
});
