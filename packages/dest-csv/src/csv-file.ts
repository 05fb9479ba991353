import { constants, writeSync } from 'node:fs';
import { lstat, open, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CsvError } from './csv-error';
import { partPath } from './file-naming';
import { acquirePartLock, type BusyPart, type PartLock } from './part-lock';
import { makeDirectory } from './make-directory';

/** What a file of a stream must start and end with. */
export interface FileFormat {
  /** Byte-order mark plus header row, as bytes: what the file starts with (empty without header and BOM). */
  prefix: Buffer;
  /** The encoded line terminator: a non-empty file must end with it (else an earlier run stopped mid-row). */
  terminator: Buffer;
}

/** Writes all of `bytes` to `fd` (a write may take fewer bytes than it was given). */
export function writeFully(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
}

/** Read and append, create if missing, and never follow a symbolic link planted where the file should be. */
const APPEND_NO_FOLLOW = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await lstat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Makes a new directory entry durable (Linux allows fsync on a directory opened read-only). */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(dirname(path), 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on directories; the file's own data is synced regardless.
  } finally {
    await handle.close();
  }
}

/**
 * One CSV file being appended to. Every batch is written and fsynced before {@link CsvFile.append} resolves; a
 * batch that fails half-way is cut off again, so the file never keeps part of a failed batch.
 */
export class CsvFile {
  /** True when an existing part with another header was skipped to get to this one. */
  skippedOtherHeader = false;
  /** Parts skipped because another running process writes them (see {@link acquirePartLock}). */
  busyParts: (BusyPart & { path: string })[] = [];
  /** This process's claim on the file, released by {@link CsvFile.close}. */
  lock: PartLock | undefined;
  private created: boolean;

  private constructor(
    readonly path: string,
    readonly part: number,
    private readonly handle: FileHandle,
    private size: number,
    created: boolean,
  ) {
    this.created = created;
  }

  /**
   * Opens the stream's file to append to, starting at part `fromPart`: an absent or empty part is started with
   * `format.prefix`; an existing part is appended to when it starts with the same prefix (same header), otherwise
   * the next part is tried. With `replace`, the first part is emptied and later parts from earlier runs removed.
   * A part is only opened once this process holds its lock; a part another running process holds is skipped.
   *
   * @example
   * ```ts
   * const file = await CsvFile.open('/out/users.csv', 1, { prefix: headerBytes, terminator: crlf }, false);
   * await file.append([rowBytes]);
   * ```
   */
  static async open(
    basePath: string,
    fromPart: number,
    format: FileFormat,
    replace: boolean,
  ): Promise<CsvFile> {
    await makeDirectory(dirname(basePath), 'The directory');
    if (replace) {
      for (let part = fromPart + 1; (await sizeOf(partPath(basePath, part))) !== undefined; part++) {
        await unlink(partPath(basePath, part));
      }
    }
    let skippedOtherHeader = false;
    const busyParts: CsvFile['busyParts'] = [];
    for (let part = fromPart; ; part++) {
      const path = partPath(basePath, part);
      const emptied = replace && part === fromPart;
      if (
        !emptied &&
        (await sizeOf(path)) !== undefined &&
        (await sizeOf(partPath(basePath, part + 1))) !== undefined
      )
        continue;
      const lock = await acquirePartLock(path);
      if (!('release' in lock)) {
        busyParts.push({ ...lock, path });
        continue;
      }
      let file: CsvFile | undefined;
      try {
        // Read under the lock: no other process changes the part from here on.
        const existing = await sizeOf(path);
        // Always O_APPEND: after a failed batch is cut off, the next write lands at the new end, never past a hole.
        const handle = await open(path, APPEND_NO_FOLLOW, 0o666).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ELOOP') throw error;
          throw new CsvError(
            'ERR_CSV_UNSAFE_PATH',
            `${path} is a symbolic link; dest-csv never writes through links, so nothing lands outside output_path. ` +
              'Remove the link.',
          );
        });
        try {
          if (emptied) await handle.truncate(0);
          const size = emptied ? 0 : (existing ?? 0);
          file = await CsvFile.adopt(path, part, handle, size, format, existing === undefined);
        } catch (error) {
          await handle.close();
          throw error;
        }
        if (file === undefined) await handle.close();
      } catch (error) {
        await lock.release();
        throw error;
      }
      if (file !== undefined) return Object.assign(file, { skippedOtherHeader, busyParts, lock });
      await lock.release();
      skippedOtherHeader = true;
    }
  }

  /** Checks an opened part; returns undefined when its header differs (the caller moves on to the next part). */
  private static async adopt(
    path: string,
    part: number,
    handle: FileHandle,
    size: number,
    format: FileFormat,
    created: boolean,
  ) {
    const { prefix, terminator } = format;
    if (size === 0) {
      const file = new CsvFile(path, part, handle, 0, created);
      if (prefix.length > 0) await file.append([prefix]);
      return file;
    }
    if (!(await readAt(handle, 0, prefix.length)).equals(prefix)) return undefined;
    if (
      size > prefix.length &&
      !(await readAt(handle, size - terminator.length, terminator.length)).equals(terminator)
    ) {
      throw new CsvError(
        'ERR_CSV_PARTIAL_ROW',
        `${path} does not end with a line terminator: an earlier run stopped in the middle of a row. Remove the ` +
          'incomplete last line (or the file), or set overwrite_behavior to "replace_file".',
      );
    }
    return new CsvFile(path, part, handle, size, false);
  }

  /** Appends the buffers and fsyncs; on failure, cuts the file back to where this call started, then rethrows. */
  async append(buffers: Iterable<Buffer>): Promise<void> {
    await this.appendWith(async () => {
      let written = 0;
      for (const buffer of buffers) {
        await this.handle.appendFile(buffer);
        written += buffer.length;
      }
      return written;
    });
  }

  /**
   * Lets `write` append to the file's descriptor (opened with O_APPEND; e.g. from a worker thread) and return how
   * many bytes it wrote, then fsyncs. On failure the file is cut back to where this call started, then rethrows.
   */
  async appendWith(write: (fd: number) => Promise<number>): Promise<void> {
    const start = this.size;
    try {
      this.size += await write(this.handle.fd);
      await this.handle.sync();
      if (this.created) {
        await syncDirectory(this.path);
        this.created = false;
      }
    } catch (error) {
      await this.handle.truncate(start).catch(() => undefined);
      this.size = start;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
    await this.lock?.release();
    this.lock = undefined;
  }
}
