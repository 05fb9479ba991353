import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import {
  AfterProcess,
  Destination,
  ExportBatch,
  HandlerError,
  InputError,
  runDestination,
  type AfterProcessContext,
  type RecordBatchContext,
} from '../../src/index';
import { createMemoryLogger } from '../../src/testing/index';
import { deferred, record, schema, state } from '../support/messages';
import { noopDestination } from '../support/noop-destination';

const line = (message: object) => JSON.stringify(message) + '\n';

/** A stdout stand-in that records each state line as it is written. */
function stateSink() {
  const states: string[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      states.push(...chunk.toString().trim().split('\n'));
      callback();
    },
  });
  return { states, output };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the loop while an export is running', () => {
  it('holds a later state while an earlier batch of another stream is still exporting', async () => {
    const releaseA = deferred();
    const exported: string[] = [];
    @Destination()
    class SlowA {
      @ExportBatch
      async write({ stream }: RecordBatchContext) {
        if (stream === 'a') await releaseA.promise;
        exported.push(stream);
      }
    }
    const input = new PassThrough();
    const { states, output } = stateSink();
    const run = runDestination(SlowA, {
      input,
      output,
      logger: createMemoryLogger().logger,
      settings: { batchSizeRows: 1 },
    });
    input.write(
      line(schema('a', { id: { type: 'integer' } })) + line(schema('b', { id: { type: 'integer' } })),
    );
    input.write(line(record('a', { id: 1 })) + line(record('b', { id: 1 })) + line(state({ a: 1, b: 1 })));
    await tick();
    // b's batch is exported? Not yet: exports run one at a time, so b waits behind a. Either way no state.
    assert.deepEqual(states, []);
    releaseA.resolve();
    await tick();
    assert.deepEqual(exported, ['a', 'b']);
    assert.deepEqual(states, ['{"a":1,"b":1}']);
    input.end();
    await run;
  });

  it('lets a running export finish before @AfterProcess when the input fails meanwhile', async () => {
    const events: string[] = [];
    @Destination()
    class Slow {
      @ExportBatch
      async write() {
        events.push('export started');
        await new Promise((resolve) => setTimeout(resolve, 50));
        events.push('export finished');
      }
      @AfterProcess
      close({ error }: AfterProcessContext) {
        events.push(`after ${(error as InputError).code}`);
      }
    }
    const input = new PassThrough();
    const { states, output } = stateSink();
    const run = runDestination(Slow, {
      input,
      output,
      logger: createMemoryLogger().logger,
      settings: { batchSizeRows: 1 },
    });
    input.end(
      line(schema('a', { id: { type: 'integer' } })) +
        line(record('a', { id: 1 })) +
        line(state({ a: 1 })) +
        '{oops\n',
    );
    await assert.rejects(
      run,
      (error: unknown) => error instanceof InputError && error.code === 'ERR_INVALID_JSON',
    );
    assert.deepEqual(events, ['export started', 'export finished', 'after ERR_INVALID_JSON']);
    assert.deepEqual(states, []);
  });

  it('fails promptly when a timer-triggered export fails while the input is idle', async () => {
    @Destination({ batchWaitLimitSeconds: 0.02 })
    class Broken {
      @ExportBatch
      write() {
        throw new Error('connection reset');
      }
    }
    const input = new PassThrough();
    const { states, output } = stateSink();
    const run = runDestination(Broken, { input, output, logger: createMemoryLogger().logger });
    input.write(
      line(schema('a', { id: { type: 'integer' } })) + line(record('a', { id: 1 })) + line(state({ a: 1 })),
    );
    // The input stays open: the failure must end the run by itself.
    await assert.rejects(
      run,
      (error: unknown) => error instanceof HandlerError && error.code === 'ERR_EXPORT_FAILED',
    );
    assert.deepEqual(states, []);
  });

  it('on abort stops reading, exports what was read, writes the states that became safe', async () => {
    const exported: number[] = [];
    @Destination()
    class Recording {
      @ExportBatch
      write({ records }: RecordBatchContext) {
        exported.push(...records.map((r) => r.id as number));
      }
    }
    const input = new PassThrough();
    const controller = new AbortController();
    const { states, output } = stateSink();
    const run = runDestination(Recording, {
      input,
      output,
      logger: createMemoryLogger().logger,
      signal: controller.signal,
    });
    input.write(
      line(schema('a', { id: { type: 'integer' } })) + line(record('a', { id: 1 })) + line(state({ a: 1 })),
    );
    await tick();
    controller.abort();
    input.write(line(record('a', { id: 2 })) + line(state({ a: 2 })));
    const summary = await run;
    assert.equal(summary.stoppedBy, 'signal');
    assert.deepEqual(exported, [1]);
    assert.deepEqual(states, ['{"a":1}']);
  });

  it('stops cleanly when stdout is closed by its reader', async () => {
    const Noop = noopDestination();
    const input = new PassThrough();
    const output = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const run = runDestination(Noop, {
      input,
      output,
      logger: createMemoryLogger().logger,
      settings: { batchSizeRows: 1 },
    });
    input.write(
      line(schema('a', { id: { type: 'integer' } })) + line(record('a', { id: 1 })) + line(state({ a: 1 })),
    );
    input.write(line(record('a', { id: 2 })) + line(state({ a: 2 })));
    const summary = await run;
    assert.equal(summary.stoppedBy, 'output-closed');
  });

  it('stops cleanly when stdout reports EPIPE once and then neither drains nor closes, as process.stdout does', async () => {
    const Noop = noopDestination();
    // Accepts one line, then stays full forever; `emitClose: false` like a stdio stream.
    const output = new Writable({ highWaterMark: 1, emitClose: false, write() {} });
    let lines = '';
    for (let id = 1; id <= 2000; id++) lines += line(record('a', { id })) + line(state({ a: id }));
    const input = new PassThrough();
    const run = runDestination(Noop, {
      input,
      output,
      logger: createMemoryLogger().logger,
      settings: { batchSizeRows: 1 },
    });
    input.end(line(schema('a', { id: { type: 'integer' } })) + lines);
    await tick();
    output.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const summary = await run;
    assert.equal(summary.stoppedBy, 'output-closed');
    assert.ok(summary.batches < 2000, 'reading stopped once stdout was gone');
  });
});
