/** Helpers for dest-csv's tests: temporary directories, config instances, reading CSV back. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { resolveDestination, validateConfig } from '@singer-dest/sdk/testing';
import { CsvDestination } from '../../src/index';
import type { CsvConfig } from '../../src/config';

/** A new empty directory under the system temp directory. */
export const tempDir = () => mkdtempSync(join(tmpdir(), 'dest-csv-test-'));

/** A validated config instance, as the CLI would build it from JSON. */
export const configOf = (raw: Record<string, unknown>) =>
  validateConfig(resolveDestination(CsvDestination), raw).config as CsvConfig;

/** Options of {@link readCsv} besides the defaults (comma, double quote, CRLF or LF). */
export interface ReadOptions {
  delimiter?: string;
  quote?: string;
  escape?: string;
  encoding?: BufferEncoding;
  bom?: boolean;
}

/**
 * Reads a CSV file back with csv-parse; an unquoted empty field becomes null, a quoted one '', so tests can tell
 * a null from an empty string.
 */
export function readCsv(path: string, options: ReadOptions = {}): (string | null)[][] {
  return parse(readFileSync(path, options.encoding ?? 'utf8'), {
    delimiter: options.delimiter ?? ',',
    quote: options.quote ?? '"',
    escape: options.escape ?? options.quote ?? '"',
    bom: options.bom ?? false,
    relax_column_count: false,
    cast: (value, context) => (value === '' && !context.quoting ? null : value),
  });
}

export const schema = (stream: string, properties: Record<string, object>, keyProperties: string[] = []) => ({
  type: 'SCHEMA',
  stream,
  schema: { type: 'object', properties },
  key_properties: keyProperties,
});
export const record = (
  stream: string,
  values: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  type: 'RECORD',
  stream,
  record: values,
  ...extra,
});
export const state = (value: unknown) => ({ type: 'STATE', value });
