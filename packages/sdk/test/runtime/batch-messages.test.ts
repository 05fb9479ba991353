import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  Destination,
  ExactNumber,
  ExportBatch,
  HandlerError,
  InputError,
  runDestination,
  type RecordBatchContext,
} from '../../src/index';
import { createMemoryLogger, runTestDestination, writeBatchFiles } from '../../src/testing/index';
import { record, schema, state } from '../support/messages';

const users = schema('users', { id: { type: 'integer' }, amount: { type: ['number', 'null'] } }, ['id']);
const raw = (id: number) => `{"id":${id},"amount":null}`;
const scratch = () => mkdtempSync(join(tmpdir(), 'batch-msg-'));

/** A destination that keeps, per batch, the ids and the positions (`lineNumbers`) it was given. */
function recordingDestination() {
  const batches: { ids: unknown[]; lines: number[] }[] = [];
  @Destination()
  class Recording {
    @ExportBatch
    write({ records, lineNumbers }: RecordBatchContext) {
      batches.push({ ids: records.map((r) => r.id), lines: [...lineNumbers] });
    }
  }
  return { Recording, batches };
}

describe('BATCH messages', () => {
  it('loads gzip and plain jsonl manifests in order, each record placed after its BATCH line', async () => {
    const dir = scratch();
    const { Recording, batches } = recordingDestination();
    const result = await runTestDestination(Recording, {
      messages: [
        users, // line 1
        writeBatchFiles(dir, 'users', [[raw(1), '{"id":2,"amount":12345678901234567890.125}'], [raw(3)]]), // line 2
        state({ at: 1 }), // line 3
        writeBatchFiles(dir, 'users', [[raw(4), '', raw(5)]], 'none'), // line 4
        record('users', { id: 6 }), // line 5
        state({ at: 2 }), // line 6
      ],
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.stdoutLines, ['{"at":2}']);
    // Line 2's records take places 3-5, so line 3 is place 6; line 4's file lines 8-10 (9 is blank); line 5 is 11.
    assert.deepEqual(batches, [{ ids: [1, 2, 3, 4, 5, 6], lines: [3, 4, 5, 8, 10, 11] }]);
    assert.deepEqual(result.summary?.records, { users: 6 });
    const amount = result.batches[0]!.records[1]!.amount;
    assert.ok(amount instanceof ExactNumber);
    assert.equal(amount.text, '12345678901234567890.125');
  });

  it('reads a file whose message says "compression": "none" but which is gzip, as Meltano SDK taps write', async () => {
    const dir = scratch();
    const batch = writeBatchFiles(dir, 'users', [[raw(1), raw(2)]]);
    batch.encoding.compression = 'none';
    const { Recording, batches } = recordingDestination();
    const result = await runTestDestination(Recording, { messages: [users, batch, state({ at: 1 })] });
    assert.equal(result.error, undefined);
    assert.deepEqual(batches, [{ ids: [1, 2], lines: [3, 4] }]);
    assert.deepEqual(result.states, [{ at: 1 }]);
  });

  it("writes a STATE between two BATCH messages only once the first one's records are exported", async () => {
    const dir = scratch();
    const exported: unknown[] = [];
    const events: string[] = [];
    @Destination()
    class Slow {
      @ExportBatch
      async write({ records }: RecordBatchContext) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        exported.push(...records.map((r) => r.id));
        events.push(`export ${records.map((r) => r.id).join(',')}`);
      }
    }
    const output = new Writable({
      write(chunk: Buffer, _e, callback) {
        const value = JSON.parse(chunk.toString()) as { through: number };
        // The moment that matters: every record of the BATCH messages before this state is stored.
        const expected = Array.from({ length: value.through }, (_, i) => i + 1);
        assert.deepEqual(exported.slice(0, value.through).sort(), expected);
        events.push(`state ${value.through}`);
        callback();
      },
    });
    const lines = [
      users,
      writeBatchFiles(dir, 'users', [[raw(1), raw(2)], [raw(3)]]),
      state({ through: 3 }),
      writeBatchFiles(dir, 'users', [[raw(4), raw(5), raw(6)]], 'none'),
      state({ through: 6 }),
    ];
    await runDestination(Slow, {
      input: Readable.from([lines.map((l) => `${JSON.stringify(l)}\n`).join('')]),
      output,
      logger: createMemoryLogger().logger,
      settings: { batchSizeRows: 2 },
    });
    assert.deepEqual(events, ['export 1,2', 'export 3,4', 'state 3', 'export 5,6', 'state 6']);
  });

  it('dead-letters an invalid batch-file record with its BATCH line, file and line, as a RECORD message', async () => {
    const dir = scratch();
    const deadLetterPath = join(dir, 'dead.jsonl');
    const batch = writeBatchFiles(dir, 'users', [[raw(1), '{"id":"two","amount":null}', raw(3)]]);
    const { Recording, batches } = recordingDestination();
    const result = await runTestDestination(Recording, {
      messages: [users, batch, state({ at: 1 })],
      settings: { invalidRecordPolicy: 'dead_letter', deadLetterPath },
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(batches, [{ ids: [1, 3], lines: [3, 5] }]);
    assert.deepEqual(result.states, [{ at: 1 }]);
    const dead = JSON.parse(readFileSync(deadLetterPath, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(dead, {
      line: 2,
      file: batch.manifest[0],
      fileLine: 2,
      stream: 'users',
      code: 'ERR_RECORD_INVALID',
      error: "does not match the stream's schema: /id must be integer",
      message: { type: 'RECORD', stream: 'users', record: { id: 'two', amount: null } },
    });
  });

  it('names the BATCH line, file and line of the records of a batch whose export failed', async () => {
    const dir = scratch();
    @Destination()
    class Failing {
      @ExportBatch
      write({ records }: RecordBatchContext) {
        if (records.some((r) => r.id === 2)) throw new Error('disk full');
      }
    }
    const batch = writeBatchFiles(dir, 'users', [[raw(1)], [raw(2), raw(3)]]);
    const result = await runTestDestination(Failing, {
      messages: [users, batch, state({ at: 1 }), record('users', { id: 4 }), state({ at: 2 })],
      settings: { batchSizeRows: 2 },
    });
    const error = result.error as HandlerError;
    assert.ok(error instanceof HandlerError);
    assert.equal(error.code, 'ERR_EXPORT_FAILED');
    assert.equal(error.line, 2);
    const [first, second] = batch.manifest;
    assert.equal(
      error.message,
      `Export of batch 1 failed (stream "users", 2 records from stdin line 2 (BATCH for stream "users"), ` +
        `${first} line 1 to line 2 (BATCH for stream "users"), ${second} line 1): disk full. No STATE ` +
        'after the records of this batch was written; fix the cause and rerun from the last emitted state.',
    );
    assert.deepEqual(result.states, []);
  });

  it('names a later RECORD line by its own line, not its place, when its export fails', async () => {
    const dir = scratch();
    @Destination()
    class Failing {
      @ExportBatch
      write({ records }: RecordBatchContext) {
        if (records.some((r) => r.id === 4)) throw new Error('disk full');
      }
    }
    const result = await runTestDestination(Failing, {
      messages: [
        users,
        writeBatchFiles(dir, 'users', [[raw(1), raw(2), raw(3)]]),
        record('users', { id: 4 }),
      ],
      settings: { batchSizeRows: 3 },
    });
    const error = result.error as HandlerError;
    assert.equal(error.line, 3);
    assert.match(error.message, /\(stream "users", 1 records from stdin lines 3-3\): disk full\./);
  });

  it('names the batch file and line of the first record with undeclared properties in its warning', async () => {
    const dir = scratch();
    const batch = writeBatchFiles(dir, 'users', [[raw(1), '{"id":2,"amount":null,"note":"x"}']]);
    const { Recording } = recordingDestination();
    const result = await runTestDestination(Recording, { messages: [users, batch] });
    assert.equal(result.error, undefined);
    const warnings = result.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    assert.deepEqual(warnings, [
      `Stream "users": 1 record(s) from input line 2 (BATCH for stream "users"), ${batch.manifest[0]} line 2 on ` +
        'have properties outside the schema (note); those values were not loaded. Add the properties to the SCHEMA ' +
        'message to keep them, or set extra_properties to "fail" to stop on them ("ignore" to load without this ' +
        'warning).',
    ]);
  });

  it("gives each record the BATCH message's version", async () => {
    const dir = scratch();
    const versions: unknown[] = [];
    @Destination()
    class Versions {
      @ExportBatch
      write({ messages }: RecordBatchContext) {
        versions.push(...messages.map((m) => m.version));
      }
    }
    const batch = { ...writeBatchFiles(dir, 'users', [[raw(1), raw(2)]]), version: 1717243200000 };
    const result = await runTestDestination(Versions, { messages: [users, batch] });
    assert.equal(result.error, undefined);
    assert.deepEqual(versions, [1717243200000, 1717243200000]);
  });
});

interface BadCase {
  name: string;
  /** The BATCH message (line 4), given a scratch directory to write its files in. */
  batch: (dir: string) => object;
  code: string;
  /** The file the error names and the line in it (undefined: the error is about the message or a whole file). */
  file?: (batch: { manifest?: string[] }) => string;
  fileLine?: number;
  message: RegExp;
}

const BAD: BadCase[] = [
  {
    name: 'a missing file',
    batch: (dir) => ({
      ...writeBatchFiles(dir, 'users', [[raw(1)]]),
      manifest: [pathToFileURL(join(dir, 'gone.json.gz')).href],
    }),
    code: 'ERR_BATCH_FILE_UNREADABLE',
    file: (b) => b.manifest![0]!,
    message: /^stdin line 4: BATCH for stream "users", file:\/\/\/\S+\/gone\.json\.gz: cannot read the file \(no such file\)\. /,
  },
  {
    name: 'a file that is not gzip data',
    batch: (dir) => {
      const batch = writeBatchFiles(dir, 'users', [[raw(1)]]);
      writeFileSync(new URL(batch.manifest[0]!), `${raw(1)}\n`);
      return batch;
    },
    code: 'ERR_BATCH_FILE_CORRUPT',
    file: (b) => b.manifest![0]!,
    fileLine: 1,
    message: /^stdin line 4: BATCH for stream "users", file:\/\/\/\S+ line 1: the file is not valid gzip data \(incorrect header check\)\. /,
  },
  {
    name: 'a truncated gzip file (the line being read when the data ends)',
    batch: (dir) => {
      const batch = writeBatchFiles(dir, 'users', [[]]);
      const lines = Array.from({ length: 4000 }, (_, i) => `{"id":${i},"amount":${i * 7919 % 10007}}`);
      const zipped = gzipSync(`${lines.join('\n')}\n`);
      writeFileSync(new URL(batch.manifest[0]!), zipped.subarray(0, zipped.length - 8));
      return batch;
    },
    code: 'ERR_BATCH_FILE_CORRUPT',
    file: (b) => b.manifest![0]!,
    fileLine: 4001,
    message: /^stdin line 4: BATCH for stream "users", file:\/\/\/\S+ line 4001: the file is not valid gzip data \(unexpected end of file\)\. /,
  },
  {
    name: 'an invalid record on line 3 of the second file',
    batch: (dir) => writeBatchFiles(dir, 'users', [[raw(1), raw(2)], [raw(3), raw(4), '{"id":5,"amount":"x"}']]),
    code: 'ERR_RECORD_INVALID',
    file: (b) => b.manifest![1]!,
    fileLine: 3,
    message: /^stdin line 4: BATCH for stream "users", file:\/\/\/\S+-2\.json\.gz line 3: the record does not match the stream's schema: \/amount must be number,null\. Fix the tap/,
  },
  {
    name: 'a line that is not JSON',
    batch: (dir) => writeBatchFiles(dir, 'users', [[raw(1), '{"id":2,'], []], 'none'),
    code: 'ERR_INVALID_JSON',
    file: (b) => b.manifest![0]!,
    fileLine: 2,
    message: /^stdin line 4: BATCH for stream "users", file:\/\/\/\S+-1\.jsonl line 2: not valid JSON/,
  },
  {
    name: 'a line that is a JSON list, not an object',
    batch: (dir) => writeBatchFiles(dir, 'users', [['[1,2]']], 'none'),
    code: 'ERR_RECORD_NOT_OBJECT',
    file: (b) => b.manifest![0]!,
    fileLine: 1,
    message: /line 1: the line is not a JSON object\. A batch file holds one raw record a line/,
  },
  {
    name: 'a wrong encoding name',
    batch: (dir) => ({ ...writeBatchFiles(dir, 'users', [[raw(1)]]), encoding: { format: 'json', compression: 'gzip' } }),
    code: 'ERR_BATCH_UNSUPPORTED',
    message: /^stdin line 4: BATCH for stream "users" has encoding format "json": only "jsonl" batch files are read\./,
  },
  {
    name: 'parquet files',
    batch: (dir) => ({ ...writeBatchFiles(dir, 'users', [[raw(1)]]), encoding: { format: 'parquet', compression: 'snappy' } }),
    code: 'ERR_BATCH_UNSUPPORTED',
    message: /has encoding format "parquet": only "jsonl" batch files are read/,
  },
  {
    name: 'an unknown compression',
    batch: (dir) => ({ ...writeBatchFiles(dir, 'users', [[raw(1)]]), encoding: { format: 'jsonl', compression: 'zstd' } }),
    code: 'ERR_BATCH_UNSUPPORTED',
    message: /has compression "zstd": "gzip" and "none" are read/,
  },
  {
    name: 'an s3:// manifest',
    batch: (dir) => ({ ...writeBatchFiles(dir, 'users', [[raw(1)]]), manifest: ['s3://bucket/batches/part-1.json.gz'] }),
    code: 'ERR_BATCH_UNSUPPORTED',
    message: /manifest entry "s3:\/\/bucket\/batches\/part-1\.json\.gz" is not a file:\/\/ URL \(s3:\)\. Only local batch files are read/,
  },
  {
    name: 'a relative file:// root read as a host',
    batch: () => ({ type: 'BATCH', stream: 'users', encoding: { format: 'jsonl', compression: 'gzip' }, manifest: ['file://batches/part-1.json.gz'] }),
    code: 'ERR_BATCH_UNSUPPORTED',
    message: /names the host "batches"\. Only local files are read, by absolute path/,
  },
  {
    name: 'no manifest',
    batch: () => ({ type: 'BATCH', stream: 'users', encoding: { format: 'jsonl', compression: 'gzip' } }),
    code: 'ERR_INVALID_BATCH',
    message: /^stdin line 4: BATCH for stream "users" has no "manifest" list\./,
  },
  {
    name: 'a BATCH before its SCHEMA',
    batch: (dir) => writeBatchFiles(dir, 'orders', [[raw(1)]]),
    code: 'ERR_RECORD_BEFORE_SCHEMA',
    message: /^stdin line 4: BATCH for stream "orders" arrived before its SCHEMA\. Send a SCHEMA message for "orders" first\.$/,
  },
]; // prettier-ignore

describe('bad BATCH messages', () => {
  for (const bad of BAD) {
    it(`${bad.name}: a coded error naming the BATCH line (and file and line), no state after it`, async () => {
      const batch = bad.batch(scratch()) as { manifest?: string[] };
      const { Recording } = recordingDestination();
      const result = await runTestDestination(Recording, {
        messages: [users, record('users', { id: 0 }), state({ before: 1 }), batch, state({ after: 1 })],
        settings: { batchSizeRows: 1 },
      });
      const error = result.error as InputError;
      assert.ok(error instanceof InputError, String(error));
      assert.equal(error.code, bad.code);
      assert.match(error.message, bad.message);
      assert.equal(error.line, 4);
      assert.equal(error.file, bad.file?.(batch));
      assert.equal(error.fileLine, bad.fileLine);
      // The state before it may or may not have been written by then; the one after it never is.
      assert.deepEqual(result.states, result.states.length === 0 ? [] : [{ before: 1 }]);
    });
  }
});
