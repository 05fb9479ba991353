import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointLedger } from '../../src/runtime/checkpoint-ledger';
import { ExportQueue } from '../../src/runtime/export-queue';
import { StreamBatch } from '../../src/runtime/stream-batch';
import { deferred } from '../support/messages';

function setUp(exportBatch: (batch: StreamBatch) => Promise<void>, encodesOnThreads = false) {
  const ledger = new CheckpointLedger();
  const written: string[] = [];
  let failure: unknown;
  const queue = new ExportQueue({
    ledger,
    exportBatch,
    releaseStates: async () => {
      if (failure !== undefined) return;
      const text = ledger.release();
      if (text !== undefined) written.push(text);
    },
    halted: () => failure !== undefined,
    onFailure: (error) => (failure ??= error),
    failure: () => failure,
    encodesOnThreads,
  });
  const batchAt = (line: number) => {
    const batch = new StreamBatch({ shared: false });
    batch.lines.push(line);
    batch.checkpoint = ledger.open(line);
    return batch;
  };
  return { ledger, queue, written, batchAt, failure: () => failure };
}

/** The reader's throttle does not return until `gate` opens (the batch in flight finishes), then does. */
async function assertThrottleWaitsFor(queue: ExportQueue, gate: { resolve(): void }): Promise<void> {
  let throttled = false;
  const waiting = queue.throttle().then(() => (throttled = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(throttled, false);
  gate.resolve();
  await waiting;
  assert.equal(throttled, true);
}

describe('the export queue', () => {
  it('exports batches one after another in the order they were pushed', async () => {
    const order: number[] = [];
    const { queue, batchAt } = setUp(async (batch) => {
      await new Promise((resolve) => setTimeout(resolve, batch.lines[0] === 1 ? 10 : 0));
      order.push(batch.lines[0]!);
    });
    queue.push(batchAt(1));
    queue.push(batchAt(2));
    await queue.drain();
    assert.deepEqual(order, [1, 2]);
  });

  it('settles a batch in the ledger after its export succeeded and then releases the states it held', async () => {
    const { queue, ledger, written, batchAt } = setUp(async () => {});
    const batch = batchAt(1);
    ledger.addState(2, '"two"');
    queue.push(batch);
    await queue.drain();
    assert.equal(ledger.outstandingCount, 0);
    assert.deepEqual(written, ['"two"']);
  });

  it('makes the reader wait while more than one batch is queued or exporting', async () => {
    const gate = deferred();
    const { queue, batchAt } = setUp(() => gate.promise);
    queue.push(batchAt(1));
    await queue.throttle(); // one in flight: no wait
    queue.push(batchAt(2));
    await assertThrottleWaitsFor(queue, gate);
  });

  it('with batches encoded on threads first, makes the reader wait only while more than two are in flight', async () => {
    const gate = deferred();
    const { queue, batchAt } = setUp(() => gate.promise, true);
    queue.push(batchAt(1));
    queue.push(batchAt(2));
    await queue.throttle(); // one exporting, one encoding: no wait
    queue.push(batchAt(3));
    await assertThrottleWaitsFor(queue, gate);
  });

  it('after a failed export, drops the queued batches, never settles them, and throws the failure from drain', async () => {
    const exported: number[] = [];
    const { queue, ledger, written, batchAt } = setUp(async (batch) => {
      if (batch.lines[0] === 1) throw new Error('boom');
      exported.push(batch.lines[0]!);
    });
    queue.push(batchAt(1));
    ledger.addState(2, '"two"');
    queue.push(batchAt(3));
    await assert.rejects(queue.drain(), /boom/);
    assert.deepEqual(exported, []);
    assert.equal(ledger.outstandingCount, 2);
    assert.deepEqual(written, []);
    await assert.rejects(queue.throttle(), /boom/);
  });
});
