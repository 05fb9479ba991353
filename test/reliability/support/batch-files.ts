/**
 * Batch files as a Meltano SDK tap writes them, for end-to-end fixtures: `singer_sdk/contrib/batch_encoder_jsonl.py`
 * writes one gzip file per chunk, `<prefix><tap>--<stream>-<uuid>-<i>.json.gz`, each holding the raw records
 * serialised compactly (`serialize_json`, `separators=(",", ":")`), one a line, and the tap then writes
 * `{"type":"BATCH","stream":...,"encoding":{"format":"jsonl","compression":"gzip"},"manifest":[<file:// URL>]}`
 * (`StorageTarget.get_url`: an absolute `file://` URL). The files must exist where the destination runs, so tests
 * write them into their own temp dir and put the BATCH line together there.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

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
  return JSON.stringify(batchMessage(dir, stream, chunks, compression));
}

/** {@link batchLine}'s message as an object (to change a field before it is sent). */
export function batchMessage(
  dir: string,
  stream: string,
  chunks: readonly (readonly string[])[],
  compression: 'gzip' | 'none' = 'gzip',
): { type: 'BATCH'; stream: string; encoding: Record<string, string>; manifest: string[] } {
  const syncId = `tap-fixture--${stream}-${randomUUID()}`;
  const manifest = chunks.map((lines, i) => {
    const path = join(dir, `batch-${syncId}-${i + 1}.json${compression === 'gzip' ? '.gz' : 'l'}`);
    const text = lines.map((l) => `${l}\n`).join('');
    writeFileSync(path, compression === 'gzip' ? gzipSync(text) : text);
    return pathToFileURL(path).href;
  });
  return { type: 'BATCH', stream, encoding: { format: 'jsonl', compression }, manifest };
}
