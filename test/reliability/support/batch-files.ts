/**
 * Batch files as a Meltano SDK tap writes them, for end-to-end fixtures (the SDK's `writeBatchFiles`). The files
 * must exist where the destination runs, so tests write them into their own temp dir and put the BATCH line
 * together there.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBatchFiles } from '@singer-dest/sdk/testing';

/** A fresh directory for batch files (the tap's `batch_config.storage.root`). */
export function batchDir(): string {
  return mkdtempSync(join(tmpdir(), 'singer-batch-'));
}

/**
 * Writes one file per chunk of raw record lines (JSON texts, so exact numbers stay as written) and returns the
 * BATCH message line announcing them. `compression: 'none'` writes the lines as they are, to `.jsonl` files.
 */
export function batchLine(
  dir: string,
  stream: string,
  chunks: readonly (readonly string[])[],
  compression: 'gzip' | 'none' = 'gzip',
): string {
  return JSON.stringify(writeBatchFiles(dir, stream, chunks, compression));
}
