import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../config/validate-config';
import { SdkError } from '../errors';
import type { Constructor } from '../metadata/metadata-types';
import { resolveDestination } from '../metadata/resolve';
import { stringifyJson } from '../json/exact-number';
import {
  CONFORMANCE_CASES,
  conformanceFile,
  readConformanceInput,
  type ConformanceCase,
  type FailCase,
  type LoadCase,
} from './conformance-cases';
import { runTestDestination, type TestRunResult } from './run-test-destination';
import { sameValue } from './same-value';

/** One row as the destination holds it: column name to value (any form: text, number, JSON text, Date...). */
export type ReadBackRow = Readonly<Record<string, unknown>>;

/**
 * How to run the conformance cases against a destination. `T` is whatever your `setup` makes for one case (a
 * temporary directory, a database schema) and the other functions receive.
 */
export interface ConformanceOptions<T> {
  /** Makes a fresh target for one case (`name` is the case's name, safe for file and schema names). */
  setup: (name: string) => T | Promise<T>;
  /** The config (JSON names, as a config file has them) that loads into that target; `name` is the case's. */
  config: (target: T, name: string) => Record<string, unknown>;
  /** Every row the destination holds for a stream, in any order; `[]` for a stream it never wrote. */
  readBack: (target: T, stream: string) => readonly ReadBackRow[] | Promise<readonly ReadBackRow[]>;
  /** Removes the target after the case (also after a failure). */
  teardown?: (target: T) => void | Promise<void>;
  /** What a second record with the same key does: `upsert` keeps the last one, `append` keeps both. */
  keys: 'upsert' | 'append';
  /** The column name of a property (e.g. lower-cased). Default: the property name. */
  columnOf?: (property: string) => string;
  /** How the destination stores an input string, when it changes it (e.g. a NUL replaced). */
  storedText?: (text: string) => string;
  /** Cases this destination does not run, each with the reason (shown as the skip message). */
  skip?: Readonly<Record<string, string>>;
}

type Row = Record<string, unknown>;

/** What a stream should hold after the files: every record, or the last one per key, and its properties. */
function expectedStreams(
  files: readonly string[],
  keys: 'upsert' | 'append',
): Map<string, { properties: Set<string>; rows: Row[] }> {
  const streams = new Map<string, { properties: Set<string>; keys: string[]; rows: Map<string, Row> }>();
  let counter = 0;
  for (const file of files) {
    for (const message of readConformanceInput(file)) {
      const name = message.stream;
      if (name === undefined) continue;
      if (message.type === 'SCHEMA') {
        const stream = streams.get(name) ?? { properties: new Set(), keys: [], rows: new Map() };
        for (const property of Object.keys(message.schema?.properties ?? {})) stream.properties.add(property);
        stream.keys = message.key_properties ?? [];
        streams.set(name, stream);
      } else if (message.type === 'RECORD') {
        const stream = streams.get(name)!;
        const record = message.record ?? {};
        const key =
          keys === 'upsert' && stream.keys.length > 0
            ? stringifyJson(stream.keys.map((k) => record[k]))
            : String(counter++);
        stream.rows.delete(key); // an upserted row counts as the latest
        stream.rows.set(key, record);
      }
    }
  }
  return new Map(
    [...streams].map(([name, s]) => [name, { properties: s.properties, rows: [...s.rows.values()] }]),
  );
}

/** The non-empty STATE values of the files, in order. */
function statesOf(files: readonly string[]): string[] {
  return files
    .flatMap((file) => readConformanceInput(file))
    .filter((m) => m.type === 'STATE')
    .map((m) => m.value)
    .filter((v) => v !== null && typeof v === 'object' && Object.keys(v).length > 0)
    .map(stringifyJson);
}

/**
 * The states a run wrote must be input states, in input order, ending with the input's last one (a state may be
 * passed over when a later one became safe at the same time, never invented, never out of order).
 */
function assertStates(written: readonly unknown[], expected: readonly string[], every: boolean): void {
  const texts = written.map(stringifyJson);
  if (every) {
    assert.deepEqual(texts, expected, 'every STATE, in order (one record a batch)');
    return;
  }
  let at = 0;
  for (const text of texts) {
    const found = expected.indexOf(text, at);
    assert.ok(found >= 0, `STATE ${text} is not an input state after the previous one written`);
    at = found + 1;
  }
  assert.equal(texts.at(-1), expected.at(-1), "the last STATE written is the input's last one");
}

function describeRow(row: ReadBackRow): string {
  return stringifyJson(row).slice(0, 300);
}

async function assertRows<T>(
  options: ConformanceOptions<T>,
  target: T,
  files: readonly string[],
): Promise<void> {
  const columnOf = options.columnOf ?? ((p: string) => p);
  for (const [stream, { properties, rows }] of expectedStreams(files, options.keys)) {
    const actual = [...(await options.readBack(target, stream))];
    const unmatched = [...actual];
    for (const record of rows) {
      const index = unmatched.findIndex((row) =>
        [...properties].every((p) => sameValue(record[p], row[columnOf(p)], options.storedText)),
      );
      assert.ok(
        index >= 0,
        `stream ${JSON.stringify(stream)}: no row read back holds the record ${describeRow(record)}; ` +
          `unmatched rows: ${unmatched.slice(0, 3).map(describeRow).join(', ') || 'none'}`,
      );
      unmatched.splice(index, 1);
    }
    assert.equal(
      unmatched.length,
      0,
      `stream ${JSON.stringify(stream)}: rows no input record accounts for: ${unmatched.slice(0, 3).map(describeRow).join(', ')}`,
    );
  }
}

function validated(destination: Constructor, raw: Record<string, unknown>) {
  const { config, settings } = validateConfig(resolveDestination(destination), raw);
  return { config, settings };
}

async function runLoad<T>(
  destination: Constructor,
  options: ConformanceOptions<T>,
  test: LoadCase,
  target: T,
) {
  let last: TestRunResult | undefined;
  const written: unknown[] = [];
  for (const file of test.files) {
    const { config, settings } = validated(destination, options.config(target, test.name));
    last = await runTestDestination(destination, {
      file: conformanceFile(file),
      config,
      settings: {
        ...settings,
        ...(test.batchSizeRows !== undefined && { batchSizeRows: test.batchSizeRows }),
      },
    });
    assert.equal(last.error, undefined, `${file}: the run failed: ${String(last.error)}`);
    written.push(...last.states);
  }
  assertStates(written, statesOf(test.files), test.batchSizeRows === 1);
  await assertRows(options, target, test.files);
}

async function runFailure<T>(
  destination: Constructor,
  options: ConformanceOptions<T>,
  test: FailCase,
  target: T,
) {
  const { config, settings } = validated(destination, options.config(target, test.name));
  const result = await runTestDestination(destination, {
    file: conformanceFile(test.file),
    config,
    settings,
  });
  assert.ok(
    result.error instanceof SdkError,
    `${test.name}: expected an SdkError, got ${String(result.error)}`,
  );
  assert.equal(result.error.code, test.code);
  assert.equal(result.error.line, test.line);
  assert.match(result.error.message, new RegExp(`line ${test.line}: .*"${test.stream}"`));
  assert.deepEqual(result.states, []);
  assert.deepEqual(
    await options.readBack(target, test.stream),
    [],
    'nothing is written for the refused stream',
  );
}

/**
 * Registers the conformance suite (with `node:test`) for a destination: the Meltano SDK's target test streams
 * (shipped with this package, Apache-2.0) and the SDK's own edge cases (exact numbers, text, schema changes,
 * extra properties), each loaded into a fresh target and checked row by row through your `readBack`, plus the
 * input the SDK must refuse (by code and line, with no STATE and nothing written).
 *
 * @example
 * ```ts
 * runConformance(CsvDestination, {
 *   setup: () => mkdtempSync(join(tmpdir(), 'conformance-')),
 *   config: (dir) => ({ output_path: dir }),
 *   readBack: (dir, stream) => readCsvRows(dir, stream),
 *   keys: 'append',
 * });
 * ```
 */
export function runConformance<T>(destination: Constructor, options: ConformanceOptions<T>): void {
  void describe(`conformance: ${destination.name}`, () => {
    for (const test of CONFORMANCE_CASES) {
      const reason = options.skip?.[test.name];
      void it(caseTitle(test), { skip: reason ?? false }, async () => {
        const target = await options.setup(test.name);
        try {
          if (test.kind === 'load') await runLoad(destination, options, test, target);
          else await runFailure(destination, options, test, target);
        } finally {
          await options.teardown?.(target);
        }
      });
    }
  });
}

function caseTitle(test: ConformanceCase): string {
  return test.kind === 'load'
    ? `${test.name}: every record read back exactly, states in order`
    : `${test.name}: refused with ${test.code} at line ${test.line}, nothing written`;
}
