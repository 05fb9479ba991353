import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
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
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('fails with the file system error when the directory does not exist', () => {
    assert.throws(() => writeStateFile('/nonexistent-dir/state.json', '{}'), { code: 'ENOENT' });
  });
});
