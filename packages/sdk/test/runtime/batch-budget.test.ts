import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Destination,
  EncodeWith,
  ExportBatch,
  type EncodedBatchContext,
  type RecordBatchContext,
} from '../../src/index';
import { arenaPoolLimit, setArenaPoolLimit } from '../../src/runtime/byte-arena';
import { runTestDestination } from '../../src/testing/index';
import { record, schema, state } from '../support/messages';
import { testEncoder } from '../support/test-encoders';

const MIB = 1024 * 1024;
const STREAMS = ['customers', 'orders', 'events'];
const RECORDS = 12_000;

/**
 * Three streams interleaved record by record, ~300 bytes a line (~3.6 MB in all), and a state at the end: what a
 * tap syncing related tables sends.
 */
function interleavedInput(): object[] {
  const messages: object[] = STREAMS.map((stream) =>
    schema(stream, { id: { type: 'integer' }, name: { type: 'string' } }, ['id']),
  );
  for (let i = 0; i < RECORDS; i++)
    messages.push(record(STREAMS[i % 3]!, { id: i, name: `${'n'.repeat(240)}${i}` }));
  messages.push(state({ done: RECORDS }));
  return messages;
}

/**
 * What each export got (stream and line numbers), through a record export or through the encode stage in one of
 * its modes.
 */
function countingDestination(mode: { encoded: false } | { encoded: true; asRead: boolean }) {
  const exported: { stream: string; lines: number[] }[] = [];
  if (!mode.encoded) {
    @Destination()
    class Records {
      @ExportBatch
      write({ stream, lineNumbers }: RecordBatchContext) {
        exported.push({ stream, lines: [...lineNumbers] });
      }
    }
    return { destination: Records, exported };
  }
  const { asRead } = mode;
  @Destination()
  class Encoded {
    @EncodeWith(testEncoder('labelled', asRead))
    facts() {
      return { prefix: '' };
    }
    @ExportBatch
    write({ stream, lineNumbers }: EncodedBatchContext) {
      exported.push({ stream, lines: [...lineNumbers] });
    }
  }
  return { destination: Encoded, exported };
}

const MODES = [
  { name: 'records', mode: { encoded: false as const }, threads: 0 },
  { name: 'encoded at seal, encode_threads 0', mode: { encoded: true as const, asRead: false }, threads: 0 },
  { name: 'encoded as read', mode: { encoded: true as const, asRead: true }, threads: 0 },
  { name: 'encode_threads 1', mode: { encoded: true as const, asRead: false }, threads: 1 },
];

describe('the batch memory budget with several streams', () => {
  for (const { name, mode, threads } of MODES) {
    it(`flushes by the limit, not at every record, when three interleaved streams share 2 MB (${name})`, async () => {
      // A process that owns its heap keeps free full blocks in a pool (process-tuning.ts); the bug this guards
      // against took a pooled MiB block for each batch's first line, so the pool must be on here.
      const poolBefore = arenaPoolLimit();
      setArenaPoolLimit(8);
      try {
        const { destination, exported } = countingDestination(mode);
        const result = await runTestDestination(destination, {
          messages: interleavedInput(),
          settings: { maxBatchBytes: 2 * MIB, encodeThreads: threads },
        });
        assert.equal(result.error, undefined, String(result.error));
        // ~3.6 MB under a 2 MB budget: the largest stream is flushed each time the three pass it, so a few
        // batches a stream. Before: a MiB held per stream from its first record, and a batch of ~2 records each.
        assert.ok(exported.length <= 12, `${exported.length} batches for ${RECORDS} records`);
        for (const stream of STREAMS) {
          const lines = exported.filter((e) => e.stream === stream).flatMap((e) => e.lines);
          const first = 4 + STREAMS.indexOf(stream);
          assert.deepEqual(
            lines,
            Array.from({ length: RECORDS / 3 }, (_, i) => first + 3 * i),
            `${stream}: every record once, in order`,
          );
        }
        assert.deepEqual(result.states, [{ done: RECORDS }]);
      } finally {
        setArenaPoolLimit(poolBefore);
      }
    });
  }
});
