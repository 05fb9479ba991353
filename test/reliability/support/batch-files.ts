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

/** `writeBatchFiles`' BATCH message as the line to send (its arguments as they are). */
export function batchLine(...args: Parameters<typeof writeBatchFiles>): string {
  return JSON.stringify(writeBatchFiles(...args));
}
