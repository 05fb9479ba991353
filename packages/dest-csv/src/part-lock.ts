import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Where the lock files live: a hidden folder beside the CSV files, so they never look like data files. */
export const LOCK_DIR = '.dest-csv-locks';

/** Who holds a part: written into its lock file. */
interface LockOwner {
  host: string;
  pid: number;
  /** Tells two locks of the same process apart (and a lock from the one that replaced it). */
  nonce: string;
}

/** The lock file of a CSV file: `out/users.csv` → `out/.dest-csv-locks/users.csv.lock`. */
export function lockPathOf(path: string): string {
  return join(dirname(path), LOCK_DIR, `${basename(path)}.lock`);
}

/** Creates the private file a lock is linked from (the lock folder may be removed by another run meanwhile). */
async function writeTemporary(path: string, text: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await mkdir(dirname(path), { recursive: true });
    try {
      await writeFile(path, text, { flag: 'wx', mode: 0o644 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.host === 'string' && typeof owner.pid === 'number' && typeof owner.nonce === 'string')
      return owner as LockOwner;
  } catch {
    // not a lock file of ours
  }
  return undefined;
}

/** What {@link acquirePartLock} found when the part is taken. */
export interface BusyPart {
  /** The owner's host and pid, for the log. */
  host: string;
  pid: number | undefined;
}

/**
 * One process's claim on one CSV file for its whole run: only the holder appends to the file, so rows of two
 * processes never interleave, its header is written once, and cutting a failed batch back never cuts another
 * process's rows. The claim is a lock file (`<file>.lock`, JSON with host, pid and a nonce) created atomically
 * with its content (`link` of a private temporary file, which fails when the lock exists). A lock whose owner
 * is a process of this host that no longer runs (killed mid-run) is broken and taken over, so a rerun resumes
 * the same file; a live owner's, or another host's, is left alone and the caller moves on to the next part.
 *
 * @example
 * ```ts
 * const lock = await acquirePartLock('/out/users.csv');
 * if ('release' in lock) { ...append...; await lock.release(); } else { // try users.part2.csv }
 * ```
 */
export async function acquirePartLock(path: string): Promise<PartLock | BusyPart> {
  const lockPath = lockPathOf(path);
  const owner: LockOwner = { host: hostname(), pid: process.pid, nonce: randomBytes(8).toString('hex') };
  const text = JSON.stringify(owner);
  const temporary = `${lockPath}.${owner.pid}-${owner.nonce}`;
  await writeTemporary(temporary, text);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temporary, lockPath);
        return new PartLock(lockPath, text);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const found = await readFile(lockPath, 'utf8').catch(() => undefined);
      if (found === undefined) continue; // released meanwhile: try again
      const holder = parseOwner(found);
      const stale = holder !== undefined && holder.host === owner.host && !isAlive(holder.pid);
      if (!stale || attempt >= 3) return { host: holder?.host ?? 'unknown', pid: holder?.pid };
      await breakStaleLock(lockPath, found);
    }
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/**
 * Removes a dead process's lock without removing a live one that may have replaced it since it was read: the
 * lock is moved aside first (atomic), and when what was moved is not the dead lock, it is linked back.
 */
async function breakStaleLock(lockPath: string, staleText: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/** A held claim on a CSV file; {@link PartLock.release} removes the lock file (only if it is still this one). */
export class PartLock {
  constructor(
    readonly lockPath: string,
    private readonly text: string,
  ) {}

  async release(): Promise<void> {
    const found = await readFile(this.lockPath, 'utf8').catch(() => undefined);
    if (found === this.text) await unlink(this.lockPath).catch(() => undefined);
    // The folder goes when it is empty (another run's lock keeps it).
    await rmdir(dirname(this.lockPath)).catch(() => undefined);
  }
}
