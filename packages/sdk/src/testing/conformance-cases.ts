import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode } from '../errors';
import { parseJsonExact } from '../json/parse-json';

/** The folder of the shipped conformance inputs (the Meltano streams with their LICENSE, and the SDK's own). */
export const CONFORMANCE_DIR = join(__dirname, '..', '..', '..', 'conformance');

/**
 * The path of one shipped conformance input, e.g. `meltano-sdk/schema_updates` or `edge-cases/exact_numbers`.
 *
 * @example
 * ```ts
 * await runTestDestination(MyDestination, { file: conformanceFile('meltano-sdk/record_before_schema') });
 * ```
 */
export function conformanceFile(name: string): string {
  return join(CONFORMANCE_DIR, `${name}.singer`);
}

/** A case whose files load: the rows read back must be what the input says. */
export interface LoadCase {
  readonly kind: 'load';
  readonly name: string;
  /** Run one after another into the same target (the second run appends or upserts). */
  readonly files: readonly string[];
  /** Flush after every record, so every STATE must come out (in order). */
  readonly batchSizeRows?: number;
}

/** A case the SDK must refuse: this code at this line, no STATE. */
export interface FailCase {
  readonly kind: 'fail';
  readonly name: string;
  readonly file: string;
  readonly code: ErrorCode;
  readonly line: number;
  readonly stream: string;
}

export type ConformanceCase = LoadCase | FailCase;

const meltano = (name: string) => `meltano-sdk/${name}`;
const load = (name: string, files = [meltano(name)], batchSizeRows?: number): LoadCase => ({
  kind: 'load',
  name,
  files,
  ...(batchSizeRows !== undefined && { batchSizeRows }),
});

/** Every case `runConformance` runs, by name. */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  ...[
    'array_data',
    'camelcase',
    'camelcase_complex_schema',
    'duplicate_records',
    'encoded_string_data',
    'no_primary_keys',
    'optional_attributes',
    'pk_updates',
    'record_missing_fields',
    'schema_no_properties',
    'schema_updates',
    'special_chars_in_attributes',
    'user_location_data',
  ].map((name) => load(name)),
  load('multiple_state_messages', [meltano('multiple_state_messages')], 1),
  load('no_primary_keys_append', [meltano('no_primary_keys'), meltano('no_primary_keys_append')]),
  load('user_location_upsert_data', [meltano('user_location_data'), meltano('user_location_upsert_data')]),
  ...['exact_numbers', 'text_values', 'schema_changes', 'extra_properties'].map((name) =>
    load(name, [`edge-cases/${name}`]),
  ),
  ...(
    [
      ['invalid_schema', 'ERR_INVALID_SCHEMA', 1, 'test_invalid_schema'],
      ['record_before_schema', 'ERR_RECORD_BEFORE_SCHEMA', 1, 'test_record_before_schema'],
      ['record_missing_key_property', 'ERR_MISSING_KEY_PROPERTY', 2, 'test_record_missing_key_property'],
      ['record_missing_required_property', 'ERR_RECORD_INVALID', 2, 'test_record_missing_required_property'],
    ] as const
  ).map(([name, code, line, stream]): FailCase => ({
    kind: 'fail',
    name,
    file: meltano(name),
    code,
    line,
    stream,
  })),
];

/** One message of a conformance input, parsed exactly (big numbers as ExactNumber). */
export interface InputMessage {
  type: string;
  stream?: string;
  schema?: { properties?: Record<string, unknown> };
  key_properties?: string[];
  record?: Record<string, unknown>;
  value?: unknown;
}

/** The messages of a shipped input, in order. */
export function readConformanceInput(name: string): InputMessage[] {
  return readFileSync(conformanceFile(name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => parseJsonExact(line).value as InputMessage);
}
