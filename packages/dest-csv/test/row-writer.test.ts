import { SdkError } from '@singer-dest/sdk';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LineBytes } from '@singer-dest/sdk';
import { encodeRows, type BatchLines } from '../src/batch-rows';
import { CsvEncoder } from '../src/csv-encoder';
import { CsvError } from '../src/csv-error';
import { planColumns } from '../src/flatten';
import { RowEncoder } from '../src/row-encoder';
import { RowWriter } from '../src/row-writer';
import { TextEncoding } from '../src/text-encoding';
import { tempDir } from './support/csv';

const dialect = { delimiter: ',', quote: '"', escape: '"', lineTerminator: '\r\n' };
const plan = planColumns({ properties: { id: {}, name: {} } }, { enabled: false, maxDepth: 0 });

/** A batch's lines as the SDK hands them over: packed into shared memory, with their lengths. */
function batchOf(names: string[], extra: (i: number) => object = () => ({})): BatchLines {
  const lines = names.map((name, i) =>
    Buffer.from(JSON.stringify({ type: 'RECORD', stream: 's', record: { id: i, name, ...extra(i) } })),
  );
  const block = Buffer.from(new SharedArrayBuffer(lines.reduce((sum, l) => sum + l.length, 0)));
  Buffer.concat(lines).copy(block);
  const lineBytes: LineBytes = { blocks: [block], lengths: Int32Array.from(lines, (l) => l.length) };
  return {
    lines: lineBytes,
    lineNumbers: names.map((_, i) => i + 2),
    receivedAt: names.map(() => 0),
    batchedAt: 0,
  };
}

const rowsFor = (encoding: TextEncoding) =>
  new RowEncoder({
    plan,
    encoder: new CsvEncoder(dialect),
    encoding,
    escapeFormulas: false,
    metadata: undefined,
  });

const expected = (names: string[]) =>
  names.map((name, i) => `${i},${new CsvEncoder(dialect).cell(name)}\r\n`).join('');

describe('encodeRows', () => {
  const names = ['a', 'say "hi", then', 'ünï 漢字 🎉', '€'.repeat(400_000), 'after the big one', ''];

  for (const name of ['utf-8', 'latin-1'] as const) {
    it(`writes any range of a batch as its rows, in order, in ${name} (a row larger than a piece too)`, () => {
      const encoding = new TextEncoding(name);
      const batch = batchOf(name === 'utf-8' ? names : names.map((n) => n.replace(/[^\0-\xff]/g, 'é')));
      const text = (from: number, to: number) => {
        const pieces: Buffer[] = [];
        const emitted = encodeRows(batch, rowsFor(encoding), encoding, from, to, (piece) => {
          pieces.push(Buffer.from(piece)); // a piece is only valid during the call
        });
        const bytes = Buffer.concat(pieces);
        assert.equal(emitted, bytes.length);
        return bytes;
      };
      const whole = text(0, names.length);
      assert.deepEqual(
        whole,
        encoding.encode(expected(name === 'utf-8' ? names : names.map((n) => n.replace(/[^\0-\xff]/g, 'é')))),
      );
      assert.deepEqual(Buffer.concat([text(0, 3), text(3, names.length)]), whole);
      assert.equal(text(2, 2).length, 0);
    });
  }
});

describe('RowWriter (the row-writing thread)', () => {
  it('appends the rows of the first `count` records to the file, and reports nested properties left out', async () => {
    const path = join(tempDir(), 'out.csv');
    const fd = openSync(path, 'a');
    const writer = new RowWriter({
      dialect,
      encoding: 'utf-8',
      escapeFormulas: false,
      runStartedAtUs: undefined,
    });
    try {
      // Flattened: a property of `g` outside the schema has no column (top-level ones are the SDK's to report).
      const flattened = planColumns(
        { properties: { id: {}, name: {}, g: { type: 'object', properties: { k: {} } } } },
        { enabled: true, maxDepth: 1 },
      );
      writer.defineStream('s', flattened);
      const names = ['a', 'b, c', 'd', 'not written'];
      const batch = batchOf(names, (i) => (i === 1 || i === 2 ? { g: { secret: 1 } } : {}));
      const result = await writer.write({ ...batch, stream: 's', fd, count: 3 });
      const rows = expected(names.slice(0, 3)).replaceAll('\r\n', ',\r\n');
      assert.deepEqual(result, {
        written: Buffer.byteLength(rows),
        extras: { records: 2, names: ['g__secret'], firstLine: 3 },
      });
      assert.equal(readFileSync(path, 'utf8'), rows);
    } finally {
      await writer.close();
      closeSync(fd);
    }
  });

  it('rejects a write that fails with the error code, and keeps working for the next batch', async () => {
    const dir = tempDir();
    const readOnly = openSync(join(dir, 'read-only.csv'), 'w+');
    closeSync(readOnly);
    const badFd = openSync(join(dir, 'read-only.csv'), 'r');
    const writer = new RowWriter({
      dialect,
      encoding: 'utf-8',
      escapeFormulas: false,
      runStartedAtUs: undefined,
    });
    try {
      writer.defineStream('s', plan);
      await assert.rejects(writer.write({ ...batchOf(['a']), stream: 's', fd: badFd, count: 1 }), {
        code: 'EBADF',
        message: /EBADF: bad file descriptor, write/,
      });
      const goodFd = openSync(join(dir, 'good.csv'), 'a');
      const result = await writer.write({ ...batchOf(['x']), stream: 's', fd: goodFd, count: 1 });
      closeSync(goodFd);
      assert.equal(result.written, Buffer.byteLength('0,x\r\n'));
      assert.equal(readFileSync(join(dir, 'good.csv'), 'utf8'), '0,x\r\n');
    } finally {
      await writer.close();
      closeSync(badFd);
    }
  });

  it("rejects with the thread's own error class and code (a CsvError stays a CsvError across the thread)", async () => {
    const dir = tempDir();
    const fd = openSync(join(dir, 'ascii.csv'), 'a');
    const writer = new RowWriter({
      dialect,
      encoding: 'ascii',
      escapeFormulas: false,
      runStartedAtUs: undefined,
    });
    try {
      writer.defineStream('s', plan);
      await assert.rejects(
        writer.write({ ...batchOf(['日本']), stream: 's', fd, count: 1 }),
        (error: unknown) =>
          error instanceof CsvError &&
          error instanceof SdkError &&
          error.code === 'ERR_CSV_UNENCODABLE' &&
          /U\+65E5, which encoding ascii cannot represent/.test(error.message),
      );
    } finally {
      await writer.close();
      closeSync(fd);
    }
  });

  it('refuses writes once closed, with ERR_CSV_WORKER', async () => {
    const writer = new RowWriter({
      dialect,
      encoding: 'utf-8',
      escapeFormulas: false,
      runStartedAtUs: undefined,
    });
    await writer.close();
    await assert.rejects(writer.write({ ...batchOf(['a']), stream: 's', fd: 1, count: 1 }), {
      name: 'CsvError',
      code: 'ERR_CSV_WORKER',
      message: 'the row-writing thread was closed',
    });
  });
});
