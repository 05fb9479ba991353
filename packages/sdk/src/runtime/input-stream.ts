import { createReadStream, fstatSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * Bytes asked for per read of an input file. Node reads files (and `process.stdin` when it is a file) 64 KiB at a
 * time; each read is a round trip through libuv's thread pool and a pass through the line guard. Bigger reads cut
 * the 1M-record benchmark's SDK row from 6.0 s to 5.4-5.5 s (median of 4; 256 KiB and 1 MiB alike). Not bigger:
 * every read is a new buffer that lives until the next garbage collection, and with 1 MiB reads those added
 * ~50 MB to dest-csv's peak memory. A pipe holds at most 64 KiB, so reading one in bigger pieces changes nothing.
 */
export const INPUT_READ_BYTES = 256 * 1024;

/**
 * Standard input as a stream for the loop: a regular file redirected to it (`dest < file.singer`) is read in
 * {@link INPUT_READ_BYTES} pieces from the current offset; a pipe or terminal is `process.stdin` as it is.
 *
 * @example
 * ```ts
 * await runDestination(MyDestination, { input: openStdin() });
 * ```
 */
export function openStdin(): Readable {
  let isFile = false;
  try {
    isFile = fstatSync(0).isFile();
  } catch {
    // No usable fd 0 (closed): let process.stdin report it the usual way.
  }
  if (!isFile) return process.stdin;
  // No `start`: reads continue from wherever the shell left the file offset. fd 0 stays open for the process.
  return createReadStream('', { fd: 0, highWaterMark: INPUT_READ_BYTES, autoClose: false });
}

/** An input file, read in {@link INPUT_READ_BYTES} pieces. */
export function openInputFile(path: string): Readable {
  return createReadStream(path, { highWaterMark: INPUT_READ_BYTES });
}

/**
 * The size of an input (a path, or a file descriptor such as 0 for stdin) when it is a regular file, so progress
 * can say how far a run is; undefined for pipes, terminals, sockets and anything that cannot be checked.
 *
 * @example
 * ```ts
 * regularFileSize(0); // 1048576 for `dest < input.singer`, undefined for `tap | dest`
 * ```
 */
export function regularFileSize(input: string | number): number | undefined {
  try {
    const stats = typeof input === 'number' ? fstatSync(input) : statSync(input);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}
