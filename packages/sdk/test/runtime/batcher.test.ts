import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMemoryLogger } from '../../src/testing/index';
import { Batcher } from '../../src/runtime/batcher';
import { CheckpointLedger } from '../../src/runtime/checkpoint-ledger';
import type { ExportQueue } from '../../src/runtime/export-queue';
import { LineCursor } from '../../src/runtime/line-reader';
import { emptySummary } from '../../src/runtime/process-loop';
import { DEFAULT_RUN_SETTINGS, type RunSettings } from '../../src/runtime/settings';
import type { StreamBatch } from '../../src/runtime/stream-batch';
import { StreamRegistry } from '../../src/runtime/stream-registry';

/** A batcher whose queue only records what was flushed. */
function setUp(settings: Partial<RunSettings>, seal?: (batch: StreamBatch) => void) {
  const flushed: StreamBatch[] = [];
  const queue = {
    push: (batch: StreamBatch) => flushed.push(batch),
    throttle: () => Promise.resolve(),
    drain: () => Promise.resolve(),
  } as unknown as ExportQueue;
  const ledger = new CheckpointLedger();
  const summary = emptySummary();
  const batcher = new Batcher({
    settings: { ...DEFAULT_RUN_SETTINGS, ...settings },
    ledger,
    queue,
    summary,
    logger: createMemoryLogger().logger,
    seal,
  });
  const registry = new StreamRegistry({
    validateRecords: false,
    extraProperties: 'warn',
    inputName: 'stdin',
  });
  const cursor = new LineCursor();
  let line = 0;
  const add = (stream: string, text = `{"stream":"${stream}"}`) => {
    line++;
    const definition =
      registry.get(stream) ??
      registry.apply({ stream, schema: { properties: {} }, keyProperties: [] }, line).stream;
    cursor.reset(Buffer.from(text));
    cursor.advance();
    return batcher.add(definition, cursor, line, 0);
  };
  const flushedLines = () => flushed.map((b) => `${b.facts!.stream}:${b.lines.join(',')}`);
  return { batcher, ledger, summary, add, flushed, flushedLines };
}

describe('the batcher', () => {
  it('flushes a stream when it holds batch_size_rows records, numbering batches in the run and the stream', async () => {
    const { add, flushed, flushedLines } = setUp({ batchSizeRows: 2 });
    add('a');
    add('b');
    await add('a');
    add('b');
    assert.deepEqual(flushedLines(), ['a:1,3', 'b:2,4']);
    assert.deepEqual(
      flushed.map((b) => [b.batchNumber, b.streamBatchNumber]),
      [
        [1, 1],
        [2, 1],
      ],
    );
  });

  it('keeps lines in shared memory only for batches the encode stage gets (sealed), and the same bytes either way', () => {
    const sealed: StreamBatch[] = [];
    const kinds = [setUp({}), setUp({}, (batch) => sealed.push(batch))].map(({ add, batcher, flushed }) => {
      add('a', '{"id":1,"name":"Zoë 😀"}');
      add('a', '{"id":2}');
      batcher.flush('a');
      const [batch] = flushed;
      const blocks = batch!.arena.blockViews();
      return {
        shared: blocks.map((b) => b.buffer instanceof SharedArrayBuffer),
        lines: [batch!.text(0), batch!.text(1)],
      };
    });
    assert.equal(sealed.length, 1);
    assert.deepEqual(kinds, [
      { shared: [false], lines: ['{"id":1,"name":"Zoë 😀"}', '{"id":2}'] },
      { shared: [true], lines: ['{"id":1,"name":"Zoë 😀"}', '{"id":2}'] },
    ]);
  });

  it("opens a ledger entry with each batch's first record, so a state after it waits", () => {
    const { add, ledger, batcher } = setUp({});
    add('a');
    add('a');
    ledger.addState(3, '"s"');
    assert.equal(ledger.watermark(), 1);
    assert.equal(ledger.release(), undefined);
    batcher.flush('a');
    assert.equal(ledger.watermark(), 1, 'a flushed batch is still outstanding until it is exported');
  });

  it('flushes the stream holding the most memory first when buffered records pass the limit', async () => {
    const { add, flushedLines } = setUp({ maxBatchBytes: 350 });
    const line = (bytes: number) => `{"x":"${'y'.repeat(bytes - 8)}"}`;
    add('a', line(100)); // a first block is as big as its first record: 100 bytes held
    add('b', line(200));
    assert.deepEqual(flushedLines(), []);
    await add('c', line(80)); // 380 bytes held: b goes
    assert.deepEqual(flushedLines(), ['b:2']);
  });

  it('counts the memory batches hold, not only their line bytes, and held states', () => {
    const { add, ledger, batcher } = setUp({ maxBatchBytes: 100 });
    add('a', '{"x":1}'); // 7 bytes of line in the smallest block, 64 bytes
    assert.equal(batcher.overBudget(), false);
    ledger.addState(2, `"${'s'.repeat(38)}"`); // 40 bytes: 104 in all
    assert.equal(batcher.overBudget(), true);
  });

  it('flushes a stream when its oldest record waited batch_wait_limit, and no timer is left after stopTimers', async () => {
    const { add, flushedLines, batcher } = setUp({ batchWaitLimitMs: 5 });
    add('a');
    add('b');
    await sleep(30);
    assert.deepEqual(flushedLines().sort(), ['a:1', 'b:2']);
    add('c');
    batcher.stopTimers();
    await sleep(20);
    assert.deepEqual(flushedLines().length, 2);
  });

  it('flushes every stream at the end, oldest first record first, and skips empty streams', () => {
    const { add, flushedLines, batcher } = setUp({ batchSizeRows: 2 });
    add('b'); // 1
    add('a'); // 2
    add('b'); // 3: b flushes
    add('c'); // 4
    add('b'); // 5
    batcher.flushAll();
    assert.deepEqual(flushedLines(), ['b:1,3', 'a:2', 'c:4', 'b:5']);
    batcher.flushAll();
    assert.equal(flushedLines().length, 4);
  });

  it('keeps the schema and keys a batch was read under with the batch', () => {
    const { add, flushed, batcher } = setUp({});
    add('a');
    batcher.flush('a');
    assert.deepEqual(flushed[0]!.facts, {
      stream: 'a',
      schema: { properties: {} },
      keyProperties: [],
      streamState: undefined,
      encoder: undefined,
    });
  });
});
