import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { acquirePartLock, lockPathOf, PartLock } from '../src/part-lock';
import { tempDir } from './support/csv';

describe('part locks', () => {
  it('claims a file once: a second claim while it is held finds it busy, with the holder named', async () => {
    const dir = tempDir();
    const file = join(dir, 'users.csv');
    const lock = await acquirePartLock(file);
    assert.ok(lock instanceof PartLock);
    assert.equal(lock.lockPath, join(dir, '.dest-csv-locks', 'users.csv.lock'));
    const holder = JSON.parse(readFileSync(lockPathOf(file), 'utf8')) as { pid: number; host: string };
    assert.deepEqual([holder.pid, holder.host], [process.pid, hostname()]);
    assert.deepEqual(await acquirePartLock(file), { host: hostname(), pid: process.pid });
    await lock.release();
    assert.deepEqual(readdirSync(dir), [], 'the lock and its folder are gone');
    const again = await acquirePartLock(file);
    assert.ok(again instanceof PartLock);
    await again.release();
  });

  it("takes over the lock of a process of this host that no longer runs, and never another host's", async () => {
    const dir = tempDir();
    const file = join(dir, 'users.csv');
    mkdirSync(join(dir, '.dest-csv-locks'));
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
    );
    writeFileSync(lockPathOf(file), JSON.stringify({ host: hostname(), pid: dead, nonce: 'x' }));
    const lock = await acquirePartLock(file);
    assert.ok(lock instanceof PartLock);
    await lock.release();
    mkdirSync(join(dir, '.dest-csv-locks'));
    writeFileSync(lockPathOf(file), JSON.stringify({ host: 'elsewhere', pid: dead, nonce: 'y' }));
    assert.deepEqual(await acquirePartLock(file), { host: 'elsewhere', pid: dead });
    assert.ok(existsSync(lockPathOf(file)));
  });

  it('release leaves a lock alone that is no longer its own', async () => {
    const dir = tempDir();
    const file = join(dir, 'users.csv');
    const lock = await acquirePartLock(file);
    assert.ok(lock instanceof PartLock);
    writeFileSync(lockPathOf(file), JSON.stringify({ host: 'elsewhere', pid: 1, nonce: 'other' }));
    await lock.release();
    assert.ok(existsSync(lockPathOf(file)));
  });
});
