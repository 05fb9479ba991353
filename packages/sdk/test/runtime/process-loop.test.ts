import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable, Writable } from 'node:stream';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AfterProcess,
  BeforeProcess,
  Destination,
  ExactNumber,
  ExportBatch,
  HandlerError,
  InputError,
  OnActivateVersion,
  OnSchema,
  runDestination,
  type ActivateVersionContext,
  type AfterProcessContext,
  type RecordBatchContext,
  type SchemaContext,
} from '../../src/index';
import { runTestDestination, createMemoryLogger } from '../../src/testing/index';
import { deferred, record, schema, state } from '../support/messages';
import { noopDestination } from '../support/noop-destination';

const users = schema('users', { id: { type: 'integer' }, name: { type: 'string' } }, ['id']);

describe('the batching loop', () => {
  it('emits STATE only after the preceding batch is exported', async () => {
    const events: string[] = [];
    @Destination()
    class Recording {
      @ExportBatch
      write({ stream, records }: RecordBatchContext) {
        events.push(`export ${stream} ${records.length}`);
      }
    }
    const output = new Writable({
      write(chunk: Buffer, _e, cb) {
        events.push(`state ${chunk.toString().trim()}`);
        cb();
      },
    });
    const lines = [users, record('users', { id: 1 }), record('users', { id: 2 }), state({ users: 2 })];
    await runDestination(Recording, {
      input: Readable.from([lines.map((l) => JSON.stringify(l) + '\n').join('')]),
      output,
      logger: createMemoryLogger().logger,
    });
    assert.deepEqual(events, ['export users 2', 'state {"users":2}']);
  });

  it('writes a state at once when no record before it is waiting', async () => {
    const Noop = noopDestination();
    const result = await runTestDestination(Noop, {
      messages: [state({ start: 0 }), users, record('users', { id: 1 }), state({ users: 1 })],
      settings: { batchSizeRows: 1 },
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.states, [{ start: 0 }, { users: 1 }]);
  });

  it('keeps every key and exact numbers of a state value', async () => {
    const Noop = noopDestination();
    const value =
      '{"bookmarks":{"users":{"id":18446744073709551616,"at":"2024-01-01"}},"currently_syncing":null}';
    const result = await runTestDestination(Noop, { text: `{"type":"STATE","value":${value}}\n` });
    assert.deepEqual(result.stdoutLines, [value]);
  });

  it('does not write an empty state', async () => {
    const Noop = noopDestination();
    const result = await runTestDestination(Noop, { messages: [state({}), state(null), state({ a: 1 })] });
    assert.deepEqual(result.states, [{ a: 1 }]);
  });

  it('writes only the states whose records were exported when the k-th batch fails', async () => {
    let exports = 0;
    @Destination()
    class FailsThird {
      @ExportBatch
      write() {
        if (++exports === 3) throw new Error('disk full');
      }
    }
    const messages: object[] = [users];
    for (let id = 1; id <= 5; id++) messages.push(record('users', { id }), state({ users: id }));
    const result = await runTestDestination(FailsThird, { messages, settings: { batchSizeRows: 1 } });
    assert.ok(result.error instanceof HandlerError);
    assert.equal(result.error.code, 'ERR_EXPORT_FAILED');
    assert.deepEqual(result.error.batch, {
      stream: 'users',
      batchNumber: 3,
      firstLine: 6,
      lastLine: 6,
      records: 1,
    });
    assert.match(
      result.error.message,
      /^Export of batch 3 failed \(stream "users", 1 records from stdin lines 6-6\): disk full\./,
    );
    assert.deepEqual(result.states, [{ users: 1 }, { users: 2 }]);
    assert.deepEqual(
      result.batches.map((b) => b.records),
      [[{ id: 1 }], [{ id: 2 }]],
    );
  });

  it('never writes the state of a stream whose export failed, even when another stream succeeded', async () => {
    @Destination()
    class FailsOrders {
      @ExportBatch
      write({ stream }: RecordBatchContext) {
        if (stream === 'orders') throw new Error('orders table is locked');
      }
    }
    const result = await runTestDestination(FailsOrders, {
      messages: [
        users,
        schema('orders', { id: { type: 'integer' } }, ['id']),
        record('orders', { id: 1 }),
        record('users', { id: 1 }),
        state({ users: 1, orders: 1 }),
      ],
    });
    assert.equal((result.error as HandlerError).code, 'ERR_EXPORT_FAILED');
    assert.deepEqual(result.states, []);
  });

  it('writes the trailing state after the final flush', async () => {
    const Noop = noopDestination();
    const result = await runTestDestination(Noop, {
      messages: [
        users,
        record('users', { id: 1 }),
        state({ users: 1 }),
        record('users', { id: 2 }),
        state({ users: 2 }),
      ],
    });
    assert.deepEqual(result.states, [{ users: 2 }]);
    assert.equal(result.batches.length, 1);
  });

  it('flushes a batch when its record bytes pass the size limit, counting the raw line bytes', async () => {
    const Noop = noopDestination();
    const line = JSON.stringify(record('users', { id: 1, name: 'é'.repeat(40) }));
    const lineBytes = Buffer.byteLength(line);
    assert.equal(lineBytes, line.length + 40); // é is two bytes in UTF-8
    const messages = [JSON.stringify(users), line, line, line, line, line];
    // Three lines fit exactly; the fourth passes the limit and flushes.
    const result = await runTestDestination(Noop, { messages, settings: { maxBatchBytes: 3 * lineBytes } });
    assert.deepEqual(
      result.batches.map((b) => [b.firstLine, b.lastLine, b.records.length]),
      [
        [2, 5, 4],
        [6, 6, 1],
      ],
    );
  });

  it('flushes by row count, and each batch knows its line range and number', async () => {
    const Noop = noopDestination();
    const messages = [users, ...[1, 2, 3, 4, 5].map((id) => record('users', { id }))];
    const result = await runTestDestination(Noop, { messages, settings: { batchSizeRows: 2 } });
    assert.deepEqual(
      result.batches.map((b) => [b.batchNumber, b.firstLine, b.lastLine]),
      [
        [1, 2, 3],
        [2, 4, 5],
        [3, 6, 6],
      ],
    );
  });

  it('flushes by age on a real timer while the input is idle', async () => {
    const exported = deferred<RecordBatchContext>();
    @Destination({ batchWaitLimitSeconds: 0.05 })
    class Noop {
      @ExportBatch
      write(context: RecordBatchContext) {
        exported.resolve(context);
      }
    }
    const input = new PassThrough();
    const stateLines: string[] = [];
    const output = new Writable({
      write(chunk: Buffer, _e, cb) {
        stateLines.push(chunk.toString().trim());
        cb();
      },
    });
    const run = runDestination(Noop, { input, output, logger: createMemoryLogger().logger });
    input.write(
      [users, record('users', { id: 7 }), state({ users: 7 })].map((m) => JSON.stringify(m) + '\n').join(''),
    );
    const context = await exported.promise; // arrives while the input is still open
    assert.deepEqual(context.records, [{ id: 7 }]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(stateLines, ['{"users":7}']);
    input.end();
    const summary = await run;
    assert.equal(summary.batches, 1);
  });

  it('keeps memory bounded: reading waits while exports run', async () => {
    const release = deferred();
    let exportsStarted = 0;
    @Destination()
    class Slow {
      @ExportBatch
      async write() {
        exportsStarted++;
        await release.promise;
      }
    }
    let pulled = 0;
    async function* lines() {
      yield JSON.stringify(users) + '\n';
      for (let id = 1; id <= 100_000; id++) {
        pulled++;
        yield JSON.stringify(record('users', { id })) + '\n';
      }
    }
    const done = runDestination(Slow, {
      input: Readable.from(lines()),
      output: new Writable({ write: (_c, _e, cb) => cb() }),
      logger: createMemoryLogger().logger,
      settings: { batchSizeRows: 10 },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const pulledWhileBlocked = pulled;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // One batch exports while the next fills; the one after waits, and reading stops with it. What was read ahead
    // sits in the stream buffers (16 KiB high-water marks), so it is bounded in bytes, not by the input size.
    assert.equal(exportsStarted, 1);
    assert.equal(pulled, pulledWhileBlocked, 'reading went on while the export was blocked');
    const lineBytes = JSON.stringify(record('users', { id: 50_000 })).length + 1;
    assert.ok(pulled * lineBytes < 128 * 1024, `read ${pulled} lines ahead of a blocked export`);
    release.resolve();
    const summary = await done;
    assert.equal(summary.records.users, 100_000);
  });

  it('exports buffered records under the old schema before a changed SCHEMA, and tells @OnSchema about both', async () => {
    const events: string[] = [];
    @Destination()
    class Recording {
      @OnSchema
      schema({ stream, schema: s, previous, line }: SchemaContext) {
        events.push(
          `schema ${stream} line ${line} ${Object.keys(s.properties ?? {}).join(',')} prev=${previous ? Object.keys(previous.schema.properties ?? {}).join(',') : '-'}`,
        );
      }
      @ExportBatch
      write({ records, schema: s }: RecordBatchContext) {
        events.push(`export ${records.length} ${Object.keys(s.properties ?? {}).join(',')}`);
      }
    }
    const wider = schema(
      'users',
      { id: { type: 'integer' }, name: { type: 'string' }, age: { type: 'integer' } },
      ['id'],
    );
    const result = await runTestDestination(Recording, {
      messages: [
        users,
        record('users', { id: 1 }),
        users,
        record('users', { id: 2 }),
        wider,
        record('users', { id: 3, age: 4 }),
      ],
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(events, [
      'schema users line 1 id,name prev=-',
      'schema users line 3 id,name prev=id,name', // identical SCHEMA: seen, but no flush
      'export 2 id,name',
      'schema users line 5 id,name,age prev=id,name',
      'export 1 id,name,age',
    ]);
  });

  it('flushes the stream before ACTIVATE_VERSION and then calls @OnActivateVersion', async () => {
    const events: string[] = [];
    @Destination()
    class Versioned {
      @ExportBatch
      write({ records }: RecordBatchContext) {
        events.push(`export ${records.length}`);
      }
      @OnActivateVersion
      activate({ stream, version, line }: ActivateVersionContext) {
        events.push(`activate ${stream} ${version} line ${line}`);
      }
    }
    const result = await runTestDestination(Versioned, {
      messages: [
        users,
        record('users', { id: 1 }),
        { type: 'ACTIVATE_VERSION', stream: 'users', version: 17 },
        state({ v: 17 }),
      ],
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(events, ['export 1', 'activate users 17 line 3']);
    assert.deepEqual(result.states, [{ v: 17 }]);
  });

  it('passes big integers and long decimals to @ExportBatch exactly', async () => {
    const Noop = noopDestination();
    const result = await runTestDestination(Noop, {
      text:
        '{"type":"SCHEMA","stream":"n","schema":{"properties":{"i":{"type":"integer"},"d":{"type":"number"},"s":{"type":"number"}}}}\n' +
        '{"type":"RECORD","stream":"n","record":{"i":123456789012345678901234567890,"d":3.141592653589793238462643383279,"s":1.5}}\n',
    });
    const [values] = result.batches[0]!.records;
    assert.ok(values!.i instanceof ExactNumber);
    assert.equal(String(values!.i), '123456789012345678901234567890');
    assert.equal(String(values!.d), '3.141592653589793238462643383279');
    assert.equal(values!.s, 1.5);
  });

  it('runs @BeforeProcess first and @AfterProcess last, also after a failure with the error', async () => {
    const events: string[] = [];
    @Destination()
    class Hooks {
      @BeforeProcess
      open() {
        events.push('before');
      }
      @ExportBatch
      write() {
        events.push('export');
        throw new Error('boom');
      }
      @AfterProcess
      close({ error, summary }: AfterProcessContext) {
        events.push(`after ${(error as HandlerError).code} batches=${summary.batches}`);
      }
    }
    const result = await runTestDestination(Hooks, { messages: [users, record('users', { id: 1 })] });
    assert.equal((result.error as HandlerError).code, 'ERR_EXPORT_FAILED');
    assert.deepEqual(events, ['before', 'export', 'after ERR_EXPORT_FAILED batches=1']);
  });

  it('skips invalid records with a warning and a count when the policy is skip', async () => {
    const Noop = noopDestination();
    const result = await runTestDestination(Noop, {
      messages: [
        users,
        record('users', { id: 'one' }),
        record('users', { name: 'no id' }),
        record('users', { id: 2 }),
        state({ users: 2 }),
      ],
      settings: { invalidRecordPolicy: 'skip' },
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.batches[0]!.records, [{ id: 2 }]);
    assert.deepEqual(result.summary!.invalidRecords, { users: 2 });
    assert.deepEqual(
      result.logs.filter((l) => l.level === 'warn').map((l) => l.code),
      ['ERR_RECORD_INVALID', 'ERR_MISSING_KEY_PROPERTY'],
    );
    assert.deepEqual(result.states, [{ users: 2 }]);
  });

  it('writes invalid records to the dead-letter file with line, stream and reason', async () => {
    const Noop = noopDestination();
    const path = join(mkdtempSync(join(tmpdir(), 'dead-letter-')), 'bad.jsonl');
    const bad = JSON.stringify(record('users', { id: 1.5 }));
    const result = await runTestDestination(Noop, {
      messages: [users, bad, record('users', { id: 2 })],
      settings: { invalidRecordPolicy: 'dead_letter', deadLetterPath: path },
    });
    assert.equal(result.error, undefined);
    const entries = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(entries, [
      {
        line: 2,
        stream: 'users',
        code: 'ERR_RECORD_INVALID',
        error: "does not match the stream's schema: /id must be integer",
        message: JSON.parse(bad),
      },
    ]);
  });

  it('fails on the first invalid record by default, naming line, stream and what to do', async () => {
    const Noop = noopDestination();
    const result = await runTestDestination(Noop, {
      messages: [
        users,
        record('users', { id: 1 }),
        state({ users: 1 }),
        record('users', { id: 1, name: 5 }),
        state({ users: 2 }),
      ],
      settings: { batchSizeRows: 1 },
    });
    assert.ok(result.error instanceof InputError);
    assert.equal(result.error.code, 'ERR_RECORD_INVALID');
    assert.equal(result.error.line, 4);
    assert.equal(result.error.stream, 'users');
    assert.equal(
      result.error.message,
      'stdin line 4: RECORD for stream "users" does not match the stream\'s schema: /name must be string. ' +
        'Fix the tap, or set invalid_record_policy to "skip" or "dead_letter" to load the other records.',
    );
    // The state before it may or may not have been written by then; the one after it never is.
    assert.ok(result.states.length <= 1);
    assert.deepEqual(result.states, result.states.length === 0 ? [] : [{ users: 1 }]);
  });

  it('checks date-time formats but accepts a date-time without a zone', async () => {
    const Noop = noopDestination();
    const events = schema('events', { at: { type: 'string', format: 'date-time' } });
    const ok = await runTestDestination(Noop, {
      messages: [
        events,
        record('events', { at: '2024-01-02T03:04:05Z' }),
        record('events', { at: '2024-01-02T03:04:05.123' }),
      ],
    });
    assert.equal(ok.error, undefined);
    const bad = await runTestDestination(Noop, { messages: [events, record('events', { at: 'yesterday' })] });
    assert.equal((bad.error as InputError).code, 'ERR_RECORD_INVALID');
    assert.match((bad.error as InputError).message, /\/at must match format "date-time"/);
  });

  it('validates nothing when validation is off, but still requires key properties', async () => {
    const Noop = noopDestination();
    const loose = await runTestDestination(Noop, {
      messages: [users, record('users', { id: 'not a number' })],
      settings: { validateRecords: false },
    });
    assert.equal(loose.error, undefined);
    const missingKey = await runTestDestination(Noop, {
      messages: [users, record('users', { name: 'x' })],
      settings: { validateRecords: false },
    });
    assert.equal((missingKey.error as InputError).code, 'ERR_MISSING_KEY_PROPERTY');
  });

  it('skips unknown message types with one warning per type, and accepts lower-case types', async () => {
    const Noop = noopDestination();
    const result = await runTestDestination(Noop, {
      messages: [
        { type: 'schema', stream: 'users', schema: users.schema, key_properties: ['id'] },
        { type: 'PROGRESS', stream: 'users' },
        { type: 'PROGRESS', stream: 'users' },
        { type: 'record', stream: 'users', record: { id: 1 } },
        { type: 'state', value: { users: 1 } },
      ],
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.states, [{ users: 1 }]);
    const warnings = result.logs.filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.msg, /^stdin line 2: skipping messages of unknown type "PROGRESS"/);
  });

  it('bounds memory with many streams by flushing the largest stream first', async () => {
    const Noop = noopDestination();
    const messages: object[] = [];
    for (let s = 0; s < 50; s++) messages.push(schema(`s${s}`, { id: { type: 'integer' } }));
    messages.push(record('s0', { id: 0 }), record('s0', { id: 1 }), record('s0', { id: 2 }));
    for (let s = 1; s < 50; s++) messages.push(record(`s${s}`, { id: s }));
    const lineBytes = JSON.stringify(record('s10', { id: 10 })).length;
    const result = await runTestDestination(Noop, { messages, settings: { maxBatchBytes: 10 * lineBytes } });
    assert.equal(result.error, undefined);
    // The first flush takes s0 (three records, the largest) once the 10-line budget is passed.
    assert.equal(result.batches[0]!.stream, 's0');
    assert.equal(result.batches[0]!.records.length, 3);
    assert.equal(result.summary!.batches, 50);
  });
});
