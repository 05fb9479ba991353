import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import pino from 'pino';
import {
  Destination,
  DestinationError,
  EncodeWith,
  ExportBatch,
  InputError,
  runDestination,
  type EncodedBatchContext,
  type EncoderFactsContext,
} from '../../src/index';
import { innermostCodedError } from '../../src/errors';
import { defaultEncodeThreads } from '../../src/runtime/settings';
import { runTestDestination, writeBatchFiles } from '../../src/testing/index';
import { record, schema, state } from '../support/messages';
import { testEncoder } from '../support/test-encoders';

const users = schema('users', { id: { type: 'integer' }, name: { type: 'string' } }, ['id']);
/**
 * Every way the stage runs: on the main thread when a batch is sealed, on the main thread as records are read
 * (an encoder that does not use batchedAt), on one thread, on two.
 */
const MODES = [
  { threads: 0, asRead: false, name: 'encode_threads 0' },
  { threads: 0, asRead: true, name: 'encode_threads 0, encoded as read' },
  { threads: 1, asRead: false, name: 'encode_threads 1' },
  { threads: 2, asRead: false, name: 'encode_threads 2' },
];

/** A destination that encodes with `exportName` from the test encoders and keeps what each export got. */
function encodingDestination(
  exportName: string,
  facts: (context: EncoderFactsContext) => unknown = () => ({}),
  asRead = false,
) {
  const exported: { text: string; lines: number[]; notes: unknown[]; batchedAt: number }[] = [];
  @Destination()
  class Encoding {
    @EncodeWith(testEncoder(exportName, asRead))
    encoderFacts(context: EncoderFactsContext) {
      return facts(context);
    }
    @ExportBatch
    write({ encoded, lineNumbers, notes, batchedAt }: EncodedBatchContext) {
      exported.push({
        text: Buffer.concat(encoded).toString('utf8'),
        lines: [...lineNumbers],
        notes: [...notes],
        batchedAt: batchedAt.getTime(),
      });
    }
  }
  return { Encoding, exported };
}

describe('the encode stage (@EncodeWith)', () => {
  for (const { threads, asRead, name: mode } of MODES) {
    it(`hands @ExportBatch the encoded text of every record in input order (${mode})`, async () => {
      const { Encoding, exported } = encodingDestination(
        'labelled',
        ({ stream }) => ({ prefix: `${stream}/` }),
        asRead,
      );
      const messages: object[] = [users];
      for (let id = 1; id <= 3000; id++)
        messages.push(record('users', { id, name: id % 7 === 0 ? 'ä 漢字 🎉' : `n${id}` }));
      messages.push(state({ users: 3000 }));
      const result = await runTestDestination(Encoding, { messages, settings: { encodeThreads: threads } });
      assert.equal(result.error, undefined, String(result.error));
      const expected = messages
        .slice(1, -1)
        .map((m, i) => {
          const { id, name } = (m as { record: { id: number; name: string } }).record;
          return `users/users:${i + 2}:${id}:${name}\n`;
        })
        .join('');
      assert.equal(exported.map((e) => e.text).join(''), expected);
      assert.deepEqual(
        exported.flatMap((e) => e.lines),
        Array.from({ length: 3000 }, (_, i) => i + 2),
      );
      assert.deepEqual(result.states, [{ users: 3000 }]);
    });

    it(`gives the encoder every number exactly, plain JSON numbers as numbers (${mode})`, async () => {
      const { Encoding, exported } = encodingDestination('amounts', () => ({}), asRead);
      const amountSchema = schema('amounts', { id: { type: 'integer' } }, ['id']);
      // Written by hand: JSON.stringify cannot write a literal beyond a double. A line with such a literal outside
      // strings is parsed exactly again on a thread; the others (a long digit run in a string, short numbers) not.
      const lines = [
        JSON.stringify(amountSchema),
        '{"type":"RECORD","stream":"amounts","record":{"id":1,"amount":12345678901234567890,"nested":{"amount":1.5}}}',
        '{"type":"RECORD","stream":"amounts","record":{"id":2,"amount":"12345678901234567890","nested":{"amount":2}}}',
        '{"type":"RECORD","stream":"amounts","record":{"id":3,"amount":0.1,"nested":{"amount":1.00000000000000000001}}}',
        '{"type":"RECORD","stream":"amounts","record":{"id":4,"amount":1e400,"nested":null}}',
        '{"type":"RECORD","stream":"amounts","record":{"id":5,"amount":-7,"nested":{"amount":9007199254740993}}}',
      ];
      const result = await runTestDestination(Encoding, {
        messages: lines,
        settings: { encodeThreads: threads },
      });
      assert.equal(result.error, undefined, String(result.error));
      assert.deepEqual(
        exported.map((batch) => batch.text).join(''),
        [
          '1 exact:12345678901234567890 plain:1.5\n',
          '2 plain:"12345678901234567890" plain:2\n',
          '3 plain:0.1 exact:1.00000000000000000001\n',
          '4 exact:1e400 plain:undefined\n',
          '5 plain:-7 exact:9007199254740993\n',
        ].join(''),
      );
    });

    it(`keeps every byte of a batch spanning several memory blocks (${mode})`, async () => {
      const { Encoding, exported } = encodingDestination('noting', undefined, asRead);
      const name = 'x€'.repeat(20_000); // 80 KB a record in UTF-8
      const messages: object[] = [users];
      for (let id = 0; id < 40; id++) messages.push(record('users', { id, name }));
      const result = await runTestDestination(Encoding, { messages, settings: { encodeThreads: threads } });
      assert.equal(result.error, undefined, String(result.error));
      assert.equal(exported.map((e) => e.text).join(''), `${name}\n`.repeat(40));
    });

    it(`fails on a record its encoder refuses, naming its line and stream, with no state after it (${mode})`, async () => {
      const { Encoding, exported } = encodingDestination('labelled', () => ({ prefix: '' }), asRead);
      const messages = [
        users,
        record('users', { id: 1, name: 'a' }),
        state({ at: 2 }),
        record('users', { id: 2, name: 'b' }),
        record('users', { id: 3, name: 'c\u0000d' }),
        state({ at: 5 }),
      ];
      const failed = await runTestDestination(Encoding, {
        messages,
        settings: { encodeThreads: threads, batchSizeRows: 1 },
      });
      assert.ok(failed.error instanceof InputError, String(failed.error));
      assert.equal(failed.error.code, 'ERR_RECORD_REJECTED');
      assert.deepEqual([failed.error.line, failed.error.stream], [5, 'users']);
      assert.equal(
        failed.error.message,
        'stdin line 5: RECORD for stream "users" was rejected by the destination: property "name" holds a NUL ' +
          'character, which the target cannot store. Fix the tap, or set invalid_record_policy to "skip" or ' +
          '"dead_letter" to load the other records.',
      );
      // The encoder's own code survives (from a worker thread too), for the CLI to name the cause.
      const inner = innermostCodedError(failed.error);
      assert.ok(inner instanceof DestinationError);
      assert.deepEqual([inner.code, inner.name], ['ERR_TEST_NUL', 'TestDestinationError']);
      assert.deepEqual(failed.states, [{ at: 2 }]);
      // Refused as it was read, the record stops the run there, as one the schema check refuses: the batch of
      // line 4 may be exported or dropped by then (no state covers it either way). Refused at its batch's
      // sealing, it comes after line 4's export.
      const lines = exported.map((e) => e.lines);
      if (asRead) assert.deepEqual(lines.slice(0, 1), [[2]]);
      else assert.deepEqual(lines, [[2], [4]]);
      assert.ok(lines.length <= 2 && (lines.length < 2 || lines[1]![0] === 4), JSON.stringify(lines));
    });

    it(`names a refused record of a BATCH message's file by that file and line, the lines after it by their own (${mode})`, async () => {
      const { Encoding } = encodingDestination('labelled', () => ({ prefix: '' }), asRead);
      const dir = mkdtempSync(join(tmpdir(), 'encode-stage-'));
      const batch = writeBatchFiles(dir, 'users', [
        ['{"id":1,"name":"a"}', '{"id":2,"name":"b"}'],
        ['{"id":3,"name":"c"}', '{"id":4,"name":"d\\u0000"}'],
      ]);
      const result = await runTestDestination(Encoding, {
        messages: [
          users, // line 1
          batch, // line 2: its records take places 3-6
          record('users', { id: 5, name: '\u0000' }), // line 3 (place 7)
          state({ at: 4 }),
        ],
        settings: { encodeThreads: threads, invalidRecordPolicy: 'skip' },
      });
      assert.equal(result.error, undefined, String(result.error));
      assert.deepEqual(result.summary!.invalidRecords, { users: 2 });
      const file = batch.manifest[1]!;
      const rejected = result.logs
        .filter((l) => l.code === 'ERR_RECORD_REJECTED')
        .map(({ msg, line, stream, file, fileLine }) => ({ msg, line, stream, file, fileLine }));
      const problem =
        'was rejected by the destination: property "name" holds a NUL character, which the target cannot store; skipped';
      assert.deepEqual(rejected, [
        {
          msg: `stdin line 2: BATCH for stream "users", ${file} line 2: the record ${problem}`,
          line: 2,
          stream: 'users',
          file,
          fileLine: 2,
        },
        {
          msg: `stdin line 3: RECORD for stream "users" ${problem}`,
          line: 3,
          stream: 'users',
          file: undefined,
          fileLine: undefined,
        },
      ]);
    });

    it(`dead-letters a refused record with its line and stream and exports the rest (${mode})`, async () => {
      const { Encoding, exported } = encodingDestination('labelled', () => ({ prefix: '' }), asRead);
      const path = join(mkdtempSync(join(tmpdir(), 'encode-stage-')), 'dead.jsonl');
      const messages = [
        users,
        record('users', { id: 1, name: 'a' }),
        record('users', { id: 2, name: 'c\u0000d' }),
        record('users', { id: 3, name: 'e' }),
        state({ at: 4 }),
      ];
      const result = await runTestDestination(Encoding, {
        messages,
        settings: { encodeThreads: threads, invalidRecordPolicy: 'dead_letter', deadLetterPath: path },
      });
      assert.equal(result.error, undefined, String(result.error));
      assert.deepEqual(
        exported.map((e) => [e.text, e.lines]),
        [['users:2:1:a\nusers:4:3:e\n', [2, 4]]],
      );
      assert.deepEqual(result.summary!.invalidRecords, { users: 1 });
      assert.deepEqual(result.summary!.records, { users: 2 });
      assert.deepEqual(result.states, [{ at: 4 }]);
      const dead = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(dead.length, 1);
      assert.deepEqual([dead[0]!.line, dead[0]!.stream, dead[0]!.code], [3, 'users', 'ERR_RECORD_REJECTED']);
      assert.deepEqual(dead[0]!.message, messages[2]);
    });

    it(`skips a batch whose every record was refused, and still writes the state after it (${mode})`, async () => {
      const { Encoding, exported } = encodingDestination('labelled', () => ({ prefix: '' }), asRead);
      const result = await runTestDestination(Encoding, {
        messages: [users, record('users', { id: 1, name: '\u0000' }), state({ at: 2 })],
        settings: { encodeThreads: threads, invalidRecordPolicy: 'skip' },
      });
      assert.equal(result.error, undefined, String(result.error));
      assert.deepEqual(exported, []);
      assert.deepEqual(result.states, [{ at: 2 }]);
      assert.deepEqual(result.summary!.invalidRecords, { users: 1 });
    });

    it(`gives @ExportBatch the notes of every part, and the encoder the batch's time (${mode})`, async () => {
      const { Encoding, exported } = encodingDestination('noting', undefined, asRead);
      const messages: object[] = [users];
      for (let id = 1; id <= 2000; id++) messages.push(record('users', { id, name: 'x'.repeat(id % 50) }));
      const result = await runTestDestination(Encoding, { messages, settings: { encodeThreads: threads } });
      assert.equal(result.error, undefined, String(result.error));
      const notes = exported.flatMap((e) => e.notes) as { longest: number; lines: number[] }[];
      assert.equal(notes.length, threads === 2 ? 2 : 1);
      assert.equal(Math.max(...notes.map((n) => n.longest)), 49);
      assert.deepEqual(
        notes.flatMap((n) => n.lines),
        Array.from({ length: 2000 }, (_, i) => i + 2),
      );
    });

    it(`tells the encoder each record's line, receive time, message and the batch's sealing time unless encoded as read (${mode})`, async () => {
      const { Encoding, exported } = encodingDestination('metaOf', undefined, asRead);
      const before = Date.now();
      const result = await runTestDestination(Encoding, {
        messages: [users, { ...record('users', { id: 1 }), version: 7 }, record('users', { id: 2 })],
        settings: { encodeThreads: threads },
      });
      assert.equal(result.error, undefined, String(result.error));
      const metas = exported[0]!.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, number>);
      assert.deepEqual(
        metas.map((m) => [m.id, m.line, m.version]),
        [
          [1, 2, 7],
          [2, 3, undefined],
        ],
      );
      for (const meta of metas) {
        assert.ok(
          meta.receivedAt! >= before && meta.receivedAt! <= exported[0]!.batchedAt,
          JSON.stringify(meta),
        );
        // Encoded as read, before the batch is sealed: batchedAt is NaN (JSON null), as EncoderModule says.
        assert.equal(meta.batchedAt, asRead ? null : exported[0]!.batchedAt);
      }
    });

    it(`logs an encoder's warnings through the run's logger (${mode})`, async () => {
      const { Encoding } = encodingDestination('warning', undefined, asRead);
      const result = await runTestDestination(Encoding, {
        messages: [users, record('users', { id: 1 }), record('users', { id: 2 })],
        settings: { encodeThreads: threads },
      });
      assert.equal(result.error, undefined, String(result.error));
      const warned = result.logs.filter((l) => l.msg === 'stream users: first record encoded');
      assert.deepEqual(
        warned.map((l) => l.line),
        [2],
      );
    });

    it(`fails with the destination's own code when its factory refuses the facts with a coded error (${mode})`, async () => {
      const { Encoding } = encodingDestination('refusing', undefined, asRead);
      const result = await runTestDestination(Encoding, {
        messages: [users, record('users', { id: 1 }), state({ at: 2 })],
        settings: { encodeThreads: threads },
      });
      assert.ok(result.error instanceof DestinationError, String(result.error));
      assert.equal(result.error.code, 'ERR_TEST_FACTS');
      assert.equal(result.error.message, 'the facts name a column type the target lacks');
      assert.deepEqual(result.states, []);
    });

    it(`fails with ERR_HANDLER_FAILED naming the stream when the encoder cannot be built (${mode})`, async () => {
      const { Encoding } = encodingDestination('broken', undefined, asRead);
      const result = await runTestDestination(Encoding, {
        messages: [users, record('users', { id: 1 }), state({ at: 2 })],
        settings: { encodeThreads: threads },
      });
      const error = result.error as DestinationError;
      assert.equal(error.code, 'ERR_HANDLER_FAILED');
      assert.equal(error.stream, 'users');
      assert.match(
        error.message,
        /^The encoder of stream "users" \(broken from .*test-encoders\.js\) failed: the facts lack the column list$/,
      );
      assert.deepEqual(result.states, []);
    });
  }

  it('refuses encoder facts that cannot cross to a thread, at the SCHEMA, with ERR_HANDLER_FAILED', async () => {
    const { Encoding } = encodingDestination('labelled', () => ({ prefix: '', format: () => 'x' }));
    const result = await runTestDestination(Encoding, { messages: [users, record('users', { id: 1 })] });
    const error = result.error as DestinationError;
    assert.equal(error.code, 'ERR_HANDLER_FAILED');
    assert.match(
      error.message,
      /@EncodeWith for stream "users" returned facts that cannot be sent to an encode thread/,
    );
  });

  it('refuses a module that does not export the factory, with ERR_INVALID_DESTINATION', async () => {
    const { Encoding } = encodingDestination('noSuchFactory');
    for (const threads of [0, 1]) {
      const result = await runTestDestination(Encoding, {
        messages: [users, record('users', { id: 1 })],
        settings: { encodeThreads: threads },
      });
      const error = result.error as DestinationError;
      assert.equal(error.code, 'ERR_INVALID_DESTINATION', String(error));
      assert.match(
        error.message,
        /exports no function "noSuchFactory".*Export the encoder factory under that name/,
      );
    }
  });
});

/**
 * Runs the blocking encoder over batches of two records (batch_size_rows 2) on one thread: batch 1's first record
 * (line 2) waits until the main thread logs the skipped invalid record of `releaseLine`, or 1.5 s passed.
 */
async function runBlocked(releaseLine: number, lastLine: number) {
  const flag = new SharedArrayBuffer(4);
  const notes: unknown[] = [];
  @Destination()
  class Blocked {
    @EncodeWith(testEncoder('blocking'))
    encoderFacts() {
      return { flag, waitOnLine: 2, timeoutMs: 1500 };
    }
    @ExportBatch
    write({ notes: batchNotes }: EncodedBatchContext) {
      notes.push(...batchNotes);
    }
  }
  const lines = [JSON.stringify(users)];
  for (let line = 2; line <= lastLine; line++) {
    // The record at releaseLine is invalid (a string id): the main thread logs it as it reads it.
    const id = line === releaseLine ? 'not a number' : line;
    lines.push(JSON.stringify(record('users', { id, name: 'x' })));
  }
  const logs = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const entry = JSON.parse(text) as { line?: number };
        if (entry.line === releaseLine) {
          Atomics.store(new Int32Array(flag), 0, 1);
          Atomics.notify(new Int32Array(flag), 0);
        }
      }
      callback();
    },
  });
  const output = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  await runDestination(Blocked, {
    input: Readable.from([Buffer.from(lines.map((l) => `${l}\n`).join(''))]),
    output,
    logger: pino({ level: 'warn' }, logs),
    settings: { encodeThreads: 1, batchSizeRows: 2, invalidRecordPolicy: 'skip' },
  });
  return notes;
}

describe('the encode stage on threads', () => {
  it('reads the next batch while a thread encodes the sealed one', async () => {
    // Batch 1 is lines 2-3; line 4 is the next batch's. Were reading to wait for batch 1's encoding, the line-4
    // warning would come only after the wait timed out.
    assert.deepEqual(await runBlocked(4, 6), ['released']);
  });

  it('reads on while one batch encodes and the next is sealed, so that an export overlaps the reading', async () => {
    // Batch 1 (lines 2-3) encodes, batch 2 (lines 4-5) is sealed and queued: line 6 is still read.
    assert.deepEqual(await runBlocked(6, 8), ['released']);
  });

  it('keeps a fixed number of batches in flight: reading waits while one batch encodes and two are sealed', async () => {
    // Batch 1 encodes, batches 2 (lines 4-5) and 3 (lines 6-7) are sealed: line 8 is not read until batch 1 is done.
    assert.deepEqual(await runBlocked(8, 10), ['timed-out']);
  });
});

describe('the default encode threads', () => {
  it('are the cores but one (at most 4), none on two cores for an encoder that can encode as read', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 8, 16].map((cores) => defaultEncodeThreads(cores)),
      [0, 1, 2, 3, 4, 4],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 8, 16].map((cores) => defaultEncodeThreads(cores, true)),
      [0, 0, 2, 3, 4, 4],
    );
  });
});
