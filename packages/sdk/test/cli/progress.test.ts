import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { RunProgress, StatusLine, formatDuration } from '../../src/cli/progress';

function fakeTerminal(columns = 200) {
  const writes: string[] = [];
  return { writes, out: { isTTY: true, columns, write: (t: string) => writes.push(t) } };
}

describe('progress', () => {
  it('renders records/s, records per stream, batches and bytes read but not exported', async () => {
    const progress = new RunProgress(0);
    const counted = progress.countInput(Readable.from([Buffer.alloc(3 * 1024 * 1024)]));
    await text(counted);
    progress.onBatch({
      stream: 'users',
      batchNumber: 1,
      records: 300,
      bytes: 1024 * 1024,
      firstLine: 1,
      lastLine: 300,
      durationMs: 5,
    });
    progress.onBatch({
      stream: 'orders',
      batchNumber: 2,
      records: 100,
      bytes: 0,
      firstLine: 301,
      lastLine: 400,
      durationMs: 5,
    });
    assert.equal(
      progress.render(2000),
      '200 records/s | 400 records (users 300, orders 100) | 2 batches | 2.0 MiB read, not yet exported',
    );
  });

  it('with the input size known, says how far the reading is and the time left at the rate so far', async () => {
    const progress = new RunProgress(0, 4 * 1024 * 1024);
    assert.equal(progress.howFar(0), '0% read');
    await text(progress.countInput(Readable.from([Buffer.alloc(1024 * 1024)])));
    assert.equal(progress.howFar(500), '25% read');
    assert.equal(progress.howFar(10_000), '25% read, 30 s left');
    progress.onBatch({
      stream: 'users',
      batchNumber: 1,
      records: 5000,
      bytes: 1024 * 1024,
      firstLine: 1,
      lastLine: 5000,
      durationMs: 1,
    });
    assert.equal(
      progress.render(10_000),
      '25% read, 30 s left | 500 records/s | 5000 records (users 5000) | 1 batches | 0.0 MiB read, not yet exported',
    );
    await text(progress.countInput(Readable.from([Buffer.alloc(3 * 1024 * 1024)])));
    assert.equal(progress.howFar(40_000), '100% read');
  });

  it('without a known size (a pipe) shows no percentage; an input that grew past its size stops at 100%', async () => {
    const unknown = new RunProgress(0);
    assert.equal(unknown.howFar(5000), undefined);
    assert.match(unknown.render(5000), /^0 records\/s \| 0 records \| 0 batches/);
    const empty = new RunProgress(0, 0);
    assert.equal(empty.howFar(5000), undefined);
    const grown = new RunProgress(0, 10);
    await text(grown.countInput(Readable.from([Buffer.alloc(25)])));
    assert.equal(grown.howFar(5000), '100% read');
  });

  it('writes durations as a person reads them', () => {
    assert.deepEqual([0.4, 12, 59.6, 65, 3599, 3600, 7800].map(formatDuration), [
      '0 s',
      '12 s',
      '1 min 00 s',
      '1 min 05 s',
      '59 min 59 s',
      '1 h 00 min',
      '2 h 10 min',
    ]);
  });

  it('keeps the status line below log lines: clears it, writes the log line, redraws it', () => {
    const { writes, out } = fakeTerminal();
    const status = new StatusLine(out);
    status.write('before\n');
    status.show('10 records/s');
    status.write('a log line\n');
    status.clear();
    status.write('after\n');
    assert.deepEqual(writes, [
      'before\n',
      '\r\x1b[K10 records/s',
      '\r\x1b[Ka log line\n10 records/s',
      '\r\x1b[K',
      'after\n',
    ]);
  });

  it('cuts the status line to the terminal width so it never wraps', () => {
    const { writes, out } = fakeTerminal(10);
    new StatusLine(out).show('0123456789abcdef');
    assert.deepEqual(writes, ['\r\x1b[K01234567…']);
  });
});
