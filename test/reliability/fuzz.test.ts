import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Destination, ExportBatch, InputError, SdkError, type BatchContext } from '@singer-dest/sdk';
import { runTestDestination, type TestRunResult } from '@singer-dest/sdk/testing';

// FUZZ_RUNS raises the number of runs (npm run test:long uses 20 000).
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const HANG_MS = 10_000;

/** The input lines of every record exported in the current run. */
let exportedLines: number[] = [];

@Destination({ name: 'fuzz-dest', maxBatchMb: 1 })
class FuzzDestination {
  @ExportBatch
  async write(batch: BatchContext): Promise<void> {
    await Promise.resolve();
    exportedLines.push(...batch.lineNumbers);
  }
}

const STREAMS = ['a', 'b', 'Users'] as const;
const schemaOf = (stream: string) => ({
  type: 'SCHEMA',
  stream,
  schema: { type: 'object', properties: { id: { type: 'integer' }, v: {} } },
  key_properties: ['id'],
});

/** A Singer message; `STATE` placeholders get a unique value (their line number) when the input is built. */
const message = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({ stream: fc.constantFrom(...STREAMS), id: fc.integer(), v: fc.jsonValue({ maxDepth: 3 }) })
      .map(({ stream, id, v }) => ({ type: 'RECORD', stream, record: { id, v } })),
  },
  { weight: 2, arbitrary: fc.constant({ type: 'STATE' }) },
  { weight: 1, arbitrary: fc.constantFrom(...STREAMS).map(schemaOf) },
  {
    weight: 1,
    arbitrary: fc
      .record({ stream: fc.constantFrom(...STREAMS), version: fc.nat() })
      .map((m) => ({ type: 'ACTIVATE_VERSION', ...m })),
  },
);

/** Well-formed inputs: a SCHEMA for every stream, then messages; STATE values are {"s": <line>}. */
const wellFormedLines = fc
  .array(message, { maxLength: 40 })
  .map((messages) =>
    [...STREAMS.map(schemaOf), ...messages].map((m, i) =>
      JSON.stringify(m.type === 'STATE' ? { type: 'STATE', value: { s: i + 1 } } : m),
    ),
  );

/** One way to damage a line. */
const lineMutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ unit: 'binary', maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    kind: fc.constant('replace' as const),
    text: fc.oneof(fc.string({ unit: 'binary' }), fc.json({ maxDepth: 3 })),
  }),
  fc.record({
    kind: fc.constant('type' as const),
    type: fc.constantFrom('record', 'State', 'SCHEMA ', '', 'BATCH', 'activate_version'),
  }),
  fc.record({ kind: fc.constant('duplicate' as const) }),
  fc.record({
    kind: fc.constant('drop-field' as const),
    field: fc.constantFrom('stream', 'record', 'value', 'schema', 'version', 'type', 'key_properties'),
  }),
  fc.record({ kind: fc.constant('nan' as const) }),
);

type LineMutation = typeof lineMutation extends fc.Arbitrary<infer T> ? T : never;

function mutateLine(line: string, mutation: LineMutation): string[] {
  const at = (n: number) => (line.length === 0 ? 0 : n % (line.length + 1));
  switch (mutation.kind) {
    case 'truncate':
      return [line.slice(0, at(mutation.at))];
    case 'insert':
      return [line.slice(0, at(mutation.at)) + mutation.text + line.slice(at(mutation.at))];
    case 'delete':
      return [line.slice(0, at(mutation.at)) + line.slice(at(mutation.at) + mutation.length)];
    case 'replace':
      return [mutation.text];
    case 'type':
      return [line.replace(/"type":"[A-Z_]+"/, `"type":${JSON.stringify(mutation.type)}`)];
    case 'duplicate':
      return [line, line];
    case 'drop-field':
      return [line.replace(new RegExp(`"${mutation.field}":`), '"_dropped":')];
    case 'nan':
      return [line.replace(/"id":-?\d+/, '"id":NaN')];
  }
}

/** A mutated input: well-formed lines with some of them damaged, then byte-level noise and line-end choices. */
const mutatedInput = fc
  .record({
    lines: wellFormedLines,
    mutations: fc.array(fc.tuple(fc.nat(), lineMutation), { minLength: 1, maxLength: 4 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
    blankLines: fc.array(fc.nat(), { maxLength: 2 }),
    bytes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 2 }),
  })
  .map(({ lines, mutations, crlf, bom, finalNewline, blankLines, bytes }) => {
    let out = [...lines];
    for (const [index, mutation] of mutations) {
      const i = index % out.length;
      out = [...out.slice(0, i), ...mutateLine(out[i]!, mutation), ...out.slice(i + 1)];
    }
    for (const index of blankLines) out.splice(index % (out.length + 1), 0, '');
    const end = crlf ? '\r\n' : '\n';
    let buffer = Buffer.from((bom ? '\uFEFF' : '') + out.join(end) + (finalNewline ? end : ''));
    for (const [index, byte] of bytes) {
      const i = buffer.length === 0 ? 0 : index % buffer.length;
      buffer = Buffer.concat([buffer.subarray(0, i), Buffer.from([byte]), buffer.subarray(i)]);
    }
    return buffer;
  });

const settingsArb = fc.record({
  batchSizeRows: fc.integer({ min: 1, max: 6 }),
  maxLineBytes: fc.oneof(fc.constant(64 * 1024 * 1024), fc.integer({ min: 20, max: 400 })),
  invalidRecordPolicy: fc.constantFrom('fail' as const, 'skip' as const),
});

async function runWithDeadline(text: Buffer, settings: object): Promise<TestRunResult> {
  exportedLines = [];
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the run did not finish within ${HANG_MS} ms (hang)`)),
      HANG_MS,
    );
  });
  try {
    return await Promise.race([runTestDestination(FuzzDestination, { text, settings }), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lines of the input as the runtime numbers them (split on LF; a CR before it is part of the line end). */
function inputLines(text: Buffer): string[] {
  return text.toString('utf8').split('\n');
}

/** The error codes the fuzzing reached (so a generator that never reaches the error paths is noticed). */
const codesSeen = new Set<string>();

/** Checks the guarantees every run must keep, whatever its input. */
function checkRun(text: Buffer, result: TestRunResult): void {
  const lines = inputLines(text);
  if (result.error !== undefined) {
    const error = result.error;
    if (error instanceof SdkError) codesSeen.add(error.code);
    assert.ok(
      error instanceof SdkError,
      `not an SdkError: ${error instanceof Error ? error.stack : JSON.stringify(error)}`,
    );
    assert.ok(
      error instanceof InputError,
      `only input errors are possible here, got ${error.code}: ${error.message}`,
    );
    assert.match(error.code, /^ERR_[A-Z0-9_]+$/);
    assert.ok(
      Number.isInteger(error.line) && error.line! >= 1 && error.line! <= lines.length,
      `line ${error.line}`,
    );
    assert.ok(error.message.includes(`line ${error.line}`), error.message);
  }
  // Every state written is a STATE value of the input, in input order, and none from the failing line on.
  let from = 0;
  for (const emitted of result.stdoutLines) {
    const index = lines.findIndex((l, i) => {
      if (i < from) return false;
      try {
        const m = JSON.parse(l.replace(/^\uFEFF/, '')) as { type?: unknown; value?: unknown };
        return (
          typeof m.type === 'string' &&
          m.type.toUpperCase() === 'STATE' &&
          JSON.stringify(m.value) === emitted
        );
      } catch {
        return false;
      }
    });
    assert.ok(index >= 0, `state ${emitted} is not a STATE of the input after line ${from}`);
    if (result.error instanceof SdkError)
      assert.ok(index + 1 < result.error.line!, 'a state at or after the failing line');
    from = index + 1;
  }
}

describe('fuzzing the runtime with random and mutated Singer input', () => {
  it('never hangs or throws anything but a coded input error naming a line, and writes only input states in order', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedInput, settingsArb, async (text, settings) => {
        checkRun(text, await runWithDeadline(text, settings));
      }),
      { numRuns: RUNS, seed: SEED },
    );
    assert.ok(codesSeen.size >= 8, `the mutations reached only ${[...codesSeen].join(', ')}`);
  });

  it('handles arbitrary bytes and arbitrary JSON lines the same way', async () => {
    const noise = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.array(fc.json({ maxDepth: 4 }), { maxLength: 10 }).map((l) => Buffer.from(l.join('\n'))),
    );
    await fc.assert(
      fc.asyncProperty(noise, settingsArb, async (text, settings) => {
        checkRun(text, await runWithDeadline(text, settings));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('on well-formed input, writes each state only after every record before it was exported, and the last one', async () => {
    await fc.assert(
      fc.asyncProperty(wellFormedLines, settingsArb, async (lines, settings) => {
        const text = Buffer.from(lines.map((l) => `${l}\n`).join(''));
        const result = await runWithDeadline(text, { ...settings, maxLineBytes: 64 * 1024 * 1024 });
        assert.equal(result.error, undefined, String(result.error));
        const exported = new Set(exportedLines);
        const recordLines = lines.flatMap((l, i) => (l.startsWith('{"type":"RECORD"') ? [i + 1] : []));
        const stateLines = lines.flatMap((l, i) => (l.startsWith('{"type":"STATE"') ? [i + 1] : []));
        for (const emitted of result.states as { s: number }[]) {
          for (const line of recordLines.filter((r) => r < emitted.s))
            assert.ok(
              exported.has(line),
              `state of line ${emitted.s} written before the record of line ${line}`,
            );
        }
        assert.deepEqual(
          [...exported].sort((a, b) => a - b),
          recordLines,
        );
        const last = stateLines.at(-1);
        if (last !== undefined) assert.deepEqual(result.states.at(-1), { s: last });
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
