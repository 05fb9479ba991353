import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { writeLine } from '../../src/runtime/write-line';

describe('writeLine', () => {
  it('waits for drain when the stream is full, then resolves', async () => {
    let release!: () => void;
    const output = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        release = callback;
      },
    });
    let done = false;
    const writing = writeLine(output, 'x').then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, false);
    release();
    await writing;
    assert.equal(done, true);
  });

  it('rejects when the stream errors while full, as stdout does after EPIPE without ever closing', async () => {
    const output = new Writable({ highWaterMark: 1, emitClose: false, write() {} });
    const writing = writeLine(output, 'x');
    output.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await assert.rejects(writing, /EPIPE/);
  });
});
