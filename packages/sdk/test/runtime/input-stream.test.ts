import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUT_READ_BYTES, regularFileSize } from '../../src/runtime/input-stream';

const MODULE = join(__dirname, '..', '..', 'src', 'runtime', 'input-stream.js');
// A child reads its stdin through openStdin and reports what it got: the stream kind, each read's size, the text.
const CHILD = `
const { openStdin } = require(${JSON.stringify(MODULE)});
const input = openStdin();
const sizes = [];
const parts = [];
input.on('data', (chunk) => { sizes.push(chunk.length); parts.push(chunk); });
input.on('end', () => process.stdout.write(JSON.stringify({
  isProcessStdin: input === process.stdin,
  sizes,
  text: Buffer.concat(parts).toString('utf8'),
})));
`;

function readThrough(stdin: number | 'pipe', input?: string) {
  const result = spawnSync(process.execPath, ['-e', CHILD], {
    stdio: [stdin, 'pipe', 'pipe'],
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(result.status, 0, result.stderr.toString());
  return JSON.parse(result.stdout.toString()) as { isProcessStdin: boolean; sizes: number[]; text: string };
}

describe('openStdin', () => {
  it('reads a file on stdin in INPUT_READ_BYTES pieces, from where the shell left the offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'open-stdin-'));
    const path = join(dir, 'input');
    const body = 'ä'.repeat(1024 * 1024); // 2 MiB of UTF-8
    writeFileSync(path, `skip\n${body}`);
    const fd = openSync(path, 'r');
    readSync(fd, Buffer.alloc(5)); // `(read line; dest) < file`: the first line is already consumed
    const got = readThrough(fd);
    closeSync(fd);
    assert.equal(got.isProcessStdin, false);
    assert.equal(INPUT_READ_BYTES > 64 * 1024, true); // more than process.stdin's 64 KiB
    assert.deepEqual(got.sizes, new Array((2 * 1024 * 1024) / INPUT_READ_BYTES).fill(INPUT_READ_BYTES));
    assert.equal(got.text, body);
  });

  it('leaves a pipe to process.stdin', () => {
    const got = readThrough('pipe', 'a\nb\n');
    assert.equal(got.isProcessStdin, true);
    assert.equal(got.text, 'a\nb\n');
  });
});

describe('regularFileSize', () => {
  it('is the size of a regular file, by path or descriptor, and undefined for a pipe, a folder or nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'input-size-'));
    const file = join(dir, 'in.singer');
    writeFileSync(file, 'x'.repeat(1234));
    assert.equal(regularFileSize(file), 1234);
    const fd = openSync(file, 'r');
    try {
      assert.equal(regularFileSize(fd), 1234);
    } finally {
      closeSync(fd);
    }
    assert.equal(regularFileSize(dir), undefined);
    assert.equal(regularFileSize(join(dir, 'missing')), undefined);
    // fd 0 of a child whose stdin is a pipe, then a file
    const child = `process.stdout.write(String(require(${JSON.stringify(MODULE)}).regularFileSize(0)))`;
    const piped = spawnSync(process.execPath, ['-e', child], { input: 'abc' });
    assert.equal(piped.stdout.toString(), 'undefined');
    const fromFile = openSync(file, 'r');
    try {
      const redirected = spawnSync(process.execPath, ['-e', child], { stdio: [fromFile, 'pipe', 'pipe'] });
      assert.equal(redirected.stdout.toString(), '1234');
    } finally {
      closeSync(fromFile);
    }
  });
});
