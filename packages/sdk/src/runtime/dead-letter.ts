import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/**
 * Appends rejected records to a JSON-lines file: `{"line":N,"stream":"...","error":"...","message":<original>}`.
 * The original message is embedded as its raw text, so nothing about it changes. Synced before any STATE that
 * covers the records is written, since a dead-lettered record counts as handled.
 */
export class DeadLetterFile {
  private fd: number | undefined;
  private dirty = false;

  constructor(private readonly path: string) {}

  write(
    entry: { line: number; stream: string; code: string; error: string; file?: string; fileLine?: number },
    rawMessage: string,
  ): void {
    this.fd ??= openSync(this.path, 'a');
    // A record of a BATCH message's file: `line` is the BATCH's, `file` and `fileLine` where the record was.
    const inFile = entry.file === undefined ? {} : { file: entry.file, fileLine: entry.fileLine };
    const head = JSON.stringify({
      line: entry.line,
      ...inFile,
      stream: entry.stream,
      code: entry.code,
      error: entry.error,
    });
    writeSync(this.fd, `${head.slice(0, -1)},"message":${rawMessage}}\n`);
    this.dirty = true;
  }

  sync(): void {
    if (this.fd !== undefined && this.dirty) fsyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    if (this.fd === undefined) return;
    this.sync();
    closeSync(this.fd);
    this.fd = undefined;
  }
}
