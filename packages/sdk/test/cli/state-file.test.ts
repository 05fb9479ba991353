import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeStateFile } from '../../src/cli/state-file';

describe('writeStateFile', () => {
  it('replaces the file with the newest state and leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-file-'));
    const path = join(dir, 'state.json');
    writeStateFile(path, '{"bookmarks":{"users":1}}');
    writeStateFile(path, '{"bookmarks":{"users":2}}');
    assert.equal(readFileSync(path, 'utf8'), '{"bookmarks":{"users":2}}\n');
    assert.deepEqual(readdirSync(dir), ['state.json']);
    const umask = process.umask();
    assert.equal(statSync(path).mode & 0o777, 0o666 & ~umask);
  });

  it('keeps the permissions of the file it replaces (Mage pre-creates it), whatever the umask', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-file-'));
    for (const mode of [0o644, 0o640, 0o666]) {
      const path = join(dir, `state-${mode.toString(8)}`);
      writeFileSync(path, '{"bookmarks": {}}');
      chmodSync(path, mode);
      writeStateFile(path, '{"bookmarks":{"users":1}}');
      assert.equal(statSync(path).mode & 0o777, mode, mode.toString(8));
      assert.equal(readFileSync(path, 'utf8'), '{"bookmarks":{"users":1}}\n');
    }
  });

  it('fails with the file system error when the directory does not exist', () => {
    assert.throws(() => writeStateFile('/nonexistent-dir/state.json', '{}'), { code: 'ENOENT' });
  });
});
