import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError, SdkError, type ErrorLocation } from '../errors';
import type { BatchFile, BatchMessage } from './batch-message';
import { INPUT_READ_BYTES } from './input-stream';
import { LineCursor, LineReader, readerFailureError } from './line-reader';

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Where the batch-file line being handled is: its BATCH message's stdin line, the file (URL) and the line in it.
 * One object per reader, updated in place for each line (no allocation per record).
 */
export class BatchFileLocation {
  /** The BATCH message's line in the Singer input. */
  batchLine = 0;
  stream = '';
  file = '';
  /** 1-based line within `file`. */
  fileLine = 0;
  /** 1-based count of lines over the whole manifest so far: the record's place after its BATCH message. */
  ordinal = 0;

  constructor(readonly inputName: string) {}

  /** `stdin line 5: BATCH for stream "users", file:///tmp/b/part-1.jsonl.gz`: what precedes ` line N: ...`. */
  describeFile(): string {
    return `${this.inputName} line ${this.batchLine}: BATCH for stream "${this.stream}", ${this.file}`;
  }

  /** The error fields: `line` is the BATCH message's, `file` and `fileLine` the record's. */
  fields(withLine = true): ErrorLocation & { line: number; stream: string } {
    const { batchLine: line, stream, file, fileLine } = this;
    return withLine ? { line, stream, file, fileLine } : { line, stream, file };
  }
}

/** The same error with the batch file's location as its fields (`parseMessage` and the guard know only one line). */
export function locateInBatchFile(error: unknown, at: BatchFileLocation): unknown {
  if (!(error instanceof InputError)) return error;
  return new InputError(error.code, error.message, at.fields(), { cause: error.cause });
}

function isGzip(head: Buffer, bytes: number): boolean {
  return bytes >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

function describeIoError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EISDIR') return 'it is a directory';
  return e.message ?? String(error);
}

/**
 * Reads the files of BATCH messages, line by line, with the loop's own line reader (the same UTF-8 and
 * `max_line_bytes` checks as stdin), streaming: a file is never held whole, only the chunk being walked.
 *
 * Compression: gzip is gunzipped as it streams. A file that starts with the gzip magic bytes is read as gzip even
 * when the message says `"compression": "none"`: the Meltano SDK's JSONL batcher (`batch_encoder_jsonl.py`) always
 * writes gzip (a TODO there says so), whatever its config's compression says.
 *
 * @example
 * ```ts
 * const reader = new BatchFileReader({ inputName: 'stdin', maxLineBytes, stopped: () => false });
 * await reader.read(message, 4, (cursor, at) => handle(cursor.text(), at.fileLine));
 * ```
 */
export class BatchFileReader {
  readonly location: BatchFileLocation;
  private current: LineReader | undefined;

  constructor(
    private readonly options: {
      inputName: string;
      maxLineBytes: number;
      /** Checked before each line: true once the run failed or was asked to stop. */
      stopped: () => boolean;
    },
  ) {
    this.location = new BatchFileLocation(options.inputName);
  }

  /**
   * Calls `onLine` for each non-blank line of each file of the manifest, in order, awaiting what it returns (the
   * loop's back-pressure); `location` says where the line is. Resolves with how many lines were read in all
   * (blank ones too: each takes its place in the input order). Throws an {@link InputError} naming the file and
   * line: `ERR_BATCH_FILE_UNREADABLE` (missing, not readable), `ERR_BATCH_FILE_CORRUPT` (bad gzip data), or the
   * guard's `ERR_LINE_TOO_LONG` / `ERR_INVALID_UTF8`; an error `onLine` throws is given the location's fields.
   */
  async read(
    message: BatchMessage,
    batchLine: number,
    onLine: (cursor: LineCursor, location: BatchFileLocation) => Promise<void> | undefined,
    /** Called as each file is opened, before its first line (`location.ordinal` counts the lines before it). */
    onFile?: (location: BatchFileLocation) => void,
  ): Promise<number> {
    const at = this.location;
    at.batchLine = batchLine;
    at.stream = message.stream;
    at.ordinal = 0;
    for (const file of message.files) {
      at.file = file.url;
      at.fileLine = 0;
      if (this.options.stopped()) break;
      const input = await this.openFile(file, message.compression);
      onFile?.(at);
      await this.readLines(input, onLine);
    }
    return at.ordinal;
  }

  /** Stops the file being read (the run failed or was asked to stop). */
  close(): void {
    this.current?.close();
  }

  private async readLines(
    input: Readable,
    onLine: (cursor: LineCursor, location: BatchFileLocation) => Promise<void> | undefined,
  ): Promise<void> {
    const at = this.location;
    const reader = new LineReader(input, this.options.maxLineBytes);
    this.current = reader;
    const cursor = new LineCursor();
    let handlerFailed = false;
    try {
      for await (const chunk of reader.chunks()) {
        cursor.reset(chunk);
        while (cursor.advance()) {
          at.fileLine++;
          at.ordinal++;
          if (this.options.stopped()) return;
          if (at.fileLine === 1) cursor.skipByteOrderMark();
          if (cursor.end === cursor.start) continue;
          let pending: Promise<void> | undefined;
          try {
            pending = onLine(cursor, at);
            if (pending !== undefined) await pending;
          } catch (error) {
            handlerFailed = true;
            throw locateInBatchFile(error, at);
          }
        }
      }
    } catch (error) {
      if (handlerFailed || error instanceof SdkError) throw error;
      if (this.options.stopped()) return;
      throw this.corrupt(error);
    } finally {
      reader.close();
      input.destroy();
      this.current = undefined;
    }
    if (reader.failure) {
      const line = at.fileLine + 1;
      const where = { inputName: at.describeFile(), line, maxLineBytes: this.options.maxLineBytes };
      const error = readerFailureError(reader.failure, where);
      throw new InputError(error.code, error.message, { ...at.fields(), fileLine: line });
    }
  }

  private corrupt(error: unknown): InputError {
    const at = this.location;
    const line = at.fileLine + 1;
    const reason = error instanceof Error ? error.message : String(error);
    return new InputError(
      'ERR_BATCH_FILE_CORRUPT',
      `${at.describeFile()} line ${line}: the file is not valid gzip data (${reason}). The tap may still be ` +
        'writing it, or it was truncated or is not gzip: check the file, or the encoding\'s "compression".',
      { ...at.fields(), fileLine: line },
      { cause: error },
    );
  }

  private async openFile(file: BatchFile, compression: 'gzip' | 'none'): Promise<Readable> {
    const at = this.location;
    let handle: FileHandle | undefined;
    const head = Buffer.alloc(2);
    let headBytes: number;
    try {
      handle = await open(file.path, 'r');
      ({ bytesRead: headBytes } = await handle.read(head, 0, 2, 0));
    } catch (error) {
      await handle?.close();
      throw new InputError(
        'ERR_BATCH_FILE_UNREADABLE',
        `${at.describeFile()}: cannot read the file (${describeIoError(error)}). A tap writes its batch files ` +
          'before their BATCH message: check that tap and destination see the same directory (mounted into both ' +
          'containers) and that nothing removed the files before the load.',
        at.fields(false),
        { cause: error },
      );
    }
    const raw = handle.createReadStream({ start: 0, highWaterMark: INPUT_READ_BYTES });
    if (compression === 'none' && !isGzip(head, headBytes)) return raw;
    const gunzip = createGunzip({ chunkSize: INPUT_READ_BYTES });
    raw.on('error', (error) => gunzip.destroy(error));
    gunzip.on('close', () => raw.destroy());
    return raw.pipe(gunzip);
  }
}
