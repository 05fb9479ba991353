import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** A BATCH message as a tap writes it. */
export interface BatchFixture {
  type: 'BATCH';
  stream: string;
  encoding: { format: 'jsonl'; compression: string };
  manifest: string[];
}

/**
 * Writes batch files the way a Meltano SDK tap does (`singer_sdk/contrib/batch_encoder_jsonl.py`): one file per
 * chunk, named `<prefix><tap>--<stream>-<uuid>-<i>.json.gz`, each holding the raw records serialised compactly
 * (`serialize_json`: `separators=(",", ":")`), one a line; `compression: 'none'` writes the same lines unzipped
 * (as a tap with its own `get_batches` may). `chunks` are raw JSON texts, so exact numbers stay as written.
 * Returns the BATCH message that announces them, with absolute `file://` URLs (`StorageTarget.get_url`): send it
 * as it is, or change a field first.
 *
 * @example
 * ```ts
 * const batch = writeBatchFiles(dir, 'users', [['{"id":1}', '{"id":2}'], ['{"id":3}']]);
 * await runTestDestination(MyDestination, { messages: [usersSchema, batch, { type: 'STATE', value: {} }] });
 * ```
 */
export function writeBatchFiles(
  dir: string,
  stream: string,
  chunks: readonly (readonly string[])[],
  compression: 'gzip' | 'none' = 'gzip',
): BatchFixture {
  const syncId = `tap-test--${stream}-${randomUUID()}`;
  const manifest = chunks.map((lines, i) => {
    const path = join(dir, `batch-${syncId}-${i + 1}.json${compression === 'gzip' ? '.gz' : 'l'}`);
    const text = lines.map((l) => `${l}\n`).join('');
    writeFileSync(path, compression === 'gzip' ? gzipSync(text) : text);
    return pathToFileURL(path).href;
  });
  return { type: 'BATCH', stream, encoding: { format: 'jsonl', compression }, manifest };
}
