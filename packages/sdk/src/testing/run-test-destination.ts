import { createReadStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import type { BatchContext, RunSummary, SingerRecord } from '../contexts';
import { createMemoryLogger, type LogEntry } from '../runtime/logger';
import { runDestination, type DestinationLike } from '../runtime/run-destination';
import type { RunSettings } from '../runtime/settings';

/** One batch as the destination received it. */
export interface ExportedBatch {
  stream: string;
  /** The records (empty for a destination with `@EncodeWith`: see `encoded`). */
  records: SingerRecord[];
  /** For a destination with `@EncodeWith`: what its encoder made of the batch, as one string. */
  encoded: string | undefined;
  /** For a destination with `@EncodeWith`: what its encoder noted (see `EncodedBatchContext.notes`). */
  notes: readonly unknown[];
  /** The input lines of the batch's records (refused ones taken out). */
  lineNumbers: readonly number[];
  firstLine: number;
  lastLine: number;
  batchNumber: number;
  keyProperties: readonly string[];
}

/** What a test run produced. */
export interface TestRunResult {
  /** Each STATE value written, parsed, in order. */
  states: unknown[];
  /** The exact stdout lines (without newlines). */
  stdoutLines: string[];
  batches: ExportedBatch[];
  logs: LogEntry[];
  /** Set when the run finished. */
  summary: RunSummary | undefined;
  /** Set when the run failed: the error it failed with. */
  error: unknown;
}

/** What to run. Give `messages` (objects or raw lines), or `text`, or `file`. */
export interface TestRunOptions {
  messages?: readonly (object | string)[];
  text?: string | Buffer;
  file?: string;
  config?: unknown;
  settings?: Partial<RunSettings>;
  signal?: AbortSignal;
  /** `mage` to read the input as a Mage run does (see `RunOptions.inputDialect`). */
  inputDialect?: 'singer' | 'mage';
}

function inputOf(options: TestRunOptions): Readable {
  if (options.file !== undefined) return createReadStream(options.file);
  if (options.text !== undefined) return Readable.from([Buffer.from(options.text)]);
  const lines = (options.messages ?? []).map((m) => (typeof m === 'string' ? m : JSON.stringify(m)));
  return Readable.from([Buffer.from(lines.map((l) => `${l}\n`).join(''))]);
}

/**
 * Runs a destination in-process on messages or a file and returns the states written, the batches exported and
 * the logs. Never throws: a failed run has `error` set, so tests can assert on both the failure and what
 * happened before it.
 *
 * @example
 * ```ts
 * const result = await runTestDestination(MyDestination, {
 *   messages: [
 *     { type: 'SCHEMA', stream: 'users', schema: { properties: { id: { type: 'integer' } } }, key_properties: ['id'] },
 *     { type: 'RECORD', stream: 'users', record: { id: 1 } },
 *     { type: 'STATE', value: { users: 1 } },
 *   ],
 * });
 * assert.deepEqual(result.states, [{ users: 1 }]);
 * ```
 */
export async function runTestDestination(
  destination: DestinationLike,
  options: TestRunOptions,
): Promise<TestRunResult> {
  const { logger, entries } = createMemoryLogger();
  const stdoutLines: string[] = [];
  let pending = '';
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      stdoutLines.push(...parts);
      callback();
    },
  });
  const batches: ExportedBatch[] = [];
  const observeBatch = (context: BatchContext) =>
    batches.push({
      stream: context.stream,
      records: context.kind === 'encoded' ? [] : [...context.records],
      encoded: context.kind === 'encoded' ? Buffer.concat(context.encoded).toString('utf8') : undefined,
      notes: context.kind === 'encoded' ? context.notes : [],
      lineNumbers: [...context.lineNumbers],
      firstLine: context.firstLine,
      lastLine: context.lastLine,
      batchNumber: context.batchNumber,
      keyProperties: context.keyProperties,
    });
  let summary: RunSummary | undefined;
  let error: unknown;
  try {
    summary = await runDestination(destination, {
      input: inputOf(options),
      inputDialect: options.inputDialect,
      output,
      logger,
      config: options.config,
      settings: options.settings,
      signal: options.signal,
      observeBatch,
    });
  } catch (caught) {
    error = caught;
  }
  return {
    states: stdoutLines.map((l) => JSON.parse(l) as unknown),
    stdoutLines,
    batches,
    logs: entries,
    summary,
    error,
  };
}
