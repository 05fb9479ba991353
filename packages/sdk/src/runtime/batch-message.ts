import { fileURLToPath } from 'node:url';
import { InputError } from '../errors';

/**
 * A BATCH message as the Meltano SDK writes it (`singer_sdk/helpers/_batch.py`, `SDKBatchMessage`): the records of
 * a stream in files instead of RECORD lines, `{"type": "BATCH", "stream": "users", "encoding": {"format": "jsonl",
 * "compression": "gzip"}, "manifest": ["file:///tmp/batches/tap--users-1.json.gz"]}`. Each file holds the raw
 * records, one JSON object a line.
 */
export interface BatchMessage {
  type: 'BATCH';
  stream: string;
  /** What the message says; a file that starts with the gzip magic is read as gzip either way (see batch-files.ts). */
  compression: 'gzip' | 'none';
  /** The manifest's files, in order. */
  files: readonly BatchFile[];
  /** The message's `version` (FULL_TABLE syncs), given to each of its records as a RECORD's version would be. */
  version: number | undefined;
}

/** One file of a manifest. */
export interface BatchFile {
  /** As the manifest names it (for messages). */
  url: string;
  /** The local path it names. */
  path: string;
}

interface Source {
  name: string;
  line: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SHORT_URL_CHARS = 200;

/** A manifest entry for a message: quoted, and cut short (a URL is not personal data, but it can be long). */
function quoteUrl(url: string): string {
  return JSON.stringify(url.length > SHORT_URL_CHARS ? `${url.slice(0, SHORT_URL_CHARS)}…` : url);
}

/**
 * Reads a manifest entry as a local file. Only `file://` URLs are read: `s3://`, `gs://`, `az://` (which the
 * Meltano SDK opens through fsspec) would need that cloud's client and credentials in the destination's config.
 */
function localFile(entry: unknown, index: number, where: string, source: Source, stream: string): BatchFile {
  const location = { line: source.line, stream };
  if (typeof entry !== 'string' || entry.length === 0) {
    throw new InputError(
      'ERR_INVALID_BATCH',
      `${where}: manifest entry ${index + 1} is not a URL string. The manifest lists the batch files as ` +
        '"file:///absolute/path/part-1.jsonl.gz".',
      location,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(entry);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'file:') {
    const scheme = url?.protocol ?? 'no scheme';
    throw new InputError(
      'ERR_BATCH_UNSUPPORTED',
      `${where}: manifest entry ${quoteUrl(entry)} is not a file:// URL (${scheme}). Only local batch files are ` +
        'read; point the tap\'s batch_config storage root at a local directory ("root": "file:///path/to/dir").',
      location,
    );
  }
  if (url.host !== '' && url.host !== 'localhost') {
    throw new InputError(
      'ERR_BATCH_UNSUPPORTED',
      `${where}: manifest entry ${quoteUrl(entry)} names the host "${url.host}". Only local files are read, by ` +
        'absolute path: "file:///path/to/part-1.jsonl.gz" (three slashes; a relative root such as ' +
        '"file://batches" reads as a host name).',
      location,
    );
  }
  return { url: entry, path: fileURLToPath(url) };
}

/**
 * Checks a BATCH message's fields (called by parseMessage for `"type": "BATCH"`). Throws {@link InputError}:
 * `ERR_INVALID_BATCH` when `encoding` or `manifest` is not there or not of its shape, `ERR_BATCH_UNSUPPORTED` for
 * a format other than `jsonl`, a compression other than `gzip`/`none`, or a URL other than a local `file://`.
 *
 * @example
 * ```ts
 * parseBatchMessage(message, 'users', { name: 'stdin', line: 4 }).files[0].path; // '/tmp/batches/part-1.jsonl.gz'
 * ```
 */
export function parseBatchMessage(
  message: Record<string, unknown>,
  stream: string,
  source: Source,
): BatchMessage {
  const where = `${source.name} line ${source.line}: BATCH for stream "${stream}"`;
  const location = { line: source.line, stream };
  const { encoding, manifest, version } = message;
  if (!isPlainObject(encoding) || typeof encoding.format !== 'string') {
    throw new InputError(
      'ERR_INVALID_BATCH',
      `${where} has no "encoding" object with a "format". Send "encoding": {"format": "jsonl", "compression": ` +
        '"gzip"} as the Meltano SDK does.',
      location,
    );
  }
  if (encoding.format !== 'jsonl') {
    throw new InputError(
      'ERR_BATCH_UNSUPPORTED',
      `${where} has encoding format ${JSON.stringify(encoding.format).slice(0, 60)}: only "jsonl" batch files are ` +
        'read. Set the tap\'s batch_config encoding to {"format": "jsonl", "compression": "gzip"}.',
      location,
    );
  }
  const compression = encoding.compression ?? 'none';
  if (compression !== 'gzip' && compression !== 'none') {
    throw new InputError(
      'ERR_BATCH_UNSUPPORTED',
      `${where} has compression ${JSON.stringify(compression).slice(0, 60)}: "gzip" and "none" are read. Set the ` +
        'tap\'s batch_config encoding compression to "gzip".',
      location,
    );
  }
  if (!Array.isArray(manifest)) {
    throw new InputError(
      'ERR_INVALID_BATCH',
      `${where} has no "manifest" list. Send "manifest": ["file:///path/to/part-1.jsonl.gz", ...].`,
      location,
    );
  }
  if (
    version !== undefined &&
    version !== null &&
    !(typeof version === 'number' && Number.isSafeInteger(version))
  ) {
    throw new InputError('ERR_INVALID_BATCH', `${where} has a "version" that is not an integer.`, location);
  }
  const files = manifest.map((entry, index) => localFile(entry, index, where, source, stream));
  return { type: 'BATCH', stream, compression, files, version: version ?? undefined };
}
