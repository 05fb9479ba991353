import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { Destination, ExportBatch, runDestination, type BatchContext } from '../../src/index';
import { runTestDestination } from '../../src/testing/index';
import { arenaPoolLimit } from '../../src/runtime/byte-arena';
import { garbageCollectionEnabled } from '../../src/runtime/collect-garbage';
import { Readable, Writable } from 'node:stream';
import { record, schema } from '../support/messages';

@Destination({ name: 'dest-tuning', maxBatchMb: 8 })
class Sink {
  @ExportBatch
  write(_context: BatchContext): void {}
}

// One file, one process (node --test): the order of the two tests is the point.
describe('process-wide tuning belongs to the entry point', () => {
  it('runDestination leaves an embedding process as it was: no block pool, no collections, no V8 flag', async () => {
    const big = 'x'.repeat(20_000);
    const messages = [schema('s', { v: {} }), ...Array.from({ length: 1000 }, () => record('s', { v: big }))];
    const result = await runTestDestination(Sink, { messages });
    assert.equal(result.error, undefined);
    assert.equal(arenaPoolLimit(), 0);
    assert.equal(garbageCollectionEnabled(), false);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
    assert.ok(getHeapStatistics().total_heap_size > 0);
  });

  it('tuneProcess: true (what runCli passes) sizes the pool to the batch limit and turns collections on', async () => {
    const output = new Writable({ write: (_chunk, _encoding, done) => done() });
    await runDestination(Sink, { input: Readable.from([]), output, tuneProcess: true });
    assert.equal(arenaPoolLimit(), 8 + 4);
    assert.equal(garbageCollectionEnabled(), true);
  });
});
