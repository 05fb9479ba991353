import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes one state line to `path` atomically: a temporary file in the same directory, fsync, rename over the
 * target, then fsync of the directory so the rename itself survives a crash. A reader (or a crash) sees the old
 * state or the new one, never half of one. The file keeps the permissions it had (Mage creates it before the run;
 * another process may read it), and a new one gets the usual 0666 less the umask.
 *
 * @example
 * ```ts
 * writeStateFile('state.json', '{"bookmarks":{"users":42}}');
 * ```
 */
export function writeStateFile(path: string, text: string): void {
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${process.pid}.tmp`);
  const existingMode = modeOf(path);
  const fd = openSync(temporary, 'w', existingMode ?? 0o666);
  try {
    // The umask applied to openSync's mode; the old file's mode is what it should stay.
    if (existingMode !== undefined) fchmodSync(fd, existingMode);
    writeSync(fd, `${text}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
  syncDirectory(directory);
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
