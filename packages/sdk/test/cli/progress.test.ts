import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { RunProgress, StatusLine } from '../../src/cli/progress';

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
