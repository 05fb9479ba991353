/**
 * The state guarantee under time: many streams, age-limit timers firing while the reader waits for input, slow
 * exports, exports that fail, memory-pressure flushes and row-count flushes. The oracle sits in stdout itself: at
 * the moment a STATE is written it checks that every record read before that STATE was acknowledged by an export
 * that returned successfully. (A check after the run cannot see a state written too early whose records happened
 * to be stored a moment later.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { Destination, ExportBatch, runDestination, type BatchContext } from '@singer-dest/sdk';
import { createMemoryLogger } from '@singer-dest/sdk/testing';

// STATE_ORACLE_RUNS raises the number of runs (npm run test:long uses more).
const RUNS = Number(process.env.STATE_ORACLE_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** How one export behaves: how long it takes, and whether it fails (after that time). */
interface ExportBehaviour {
  delayMs: number;
  fails: boolean;
}

/** What the current run's destination does and what it acknowledged. */
const run = {
  behaviours: [] as ExportBehaviour[],
  exports: 0,
  /** Input lines of records whose export returned successfully. */
  acknowledged: new Set<number>(),
};

@Destination({ name: 'oracle-dest', maxBatchMb: 1 })
class OracleDestination {
  @ExportBatch
  async write(batch: BatchContext): Promise<void> {
    const behaviour = run.behaviours[run.exports++ % run.behaviours.length]!;
    if (behaviour.delayMs > 0) await sleep(behaviour.delayMs);
    if (behaviour.fails) throw new Error(`export ${run.exports} fails on purpose`);
    for (const line of batch.lineNumbers) run.acknowledged.add(line);
  }
}

/** One step of the tap: a record (of some stream, some size), a state, or a pause in the input. */
type Step =
  { kind: 'record'; stream: number; padding: number } | { kind: 'state' } | { kind: 'pause'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('record' as const),
      stream: fc.nat({ max: 11 }),
      padding: fc.oneof(fc.nat({ max: 40 }), fc.integer({ min: 100, max: 900 })),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'state' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 1, max: 12 }) }),
  },
);

const scenario = fc.record({
  streams: fc.integer({ min: 2, max: 12 }),
  steps: fc.array(step, { minLength: 5, maxLength: 80 }),
  behaviours: fc.array(
    fc.record({
      delayMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 })),
      fails: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    }),
    { minLength: 1, maxLength: 12 },
  ),
  settings: fc.record({
    batchSizeRows: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    batchWaitLimitMs: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
    maxBatchBytes: fc.integer({ min: 400, max: 4000 }),
  }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** The input, as chunks of lines separated by pauses, and which line holds which record or state. */
function buildInput(s: Scenario) {
  const chunks: (string | number)[] = [];
  const recordLines: number[] = [];
  const stateLines: number[] = [];
  let line = 0;
  const push = (message: object) => {
    line++;
    chunks.push(`${JSON.stringify(message)}\n`);
  };
  for (let i = 0; i < s.streams; i++)
    push({
      type: 'SCHEMA',
      stream: `s${i}`,
      schema: { properties: { id: { type: 'integer' }, pad: {} } },
      key_properties: [],
    });
  for (const item of s.steps) {
    if (item.kind === 'pause') chunks.push(item.ms);
    else if (item.kind === 'state') {
      push({ type: 'STATE', value: { line: line + 1 } });
      stateLines.push(line);
    } else {
      push({
        type: 'RECORD',
        stream: `s${item.stream % s.streams}`,
        record: { id: line + 1, pad: 'x'.repeat(item.padding) },
      });
      recordLines.push(line);
    }
  }
  return { chunks, recordLines, stateLines };
}

/** A tap writing the chunks, waiting where the scenario pauses (so age-limit timers fire while the reader waits). */
function tapOutput(chunks: readonly (string | number)[]): Readable {
  return Readable.from(
    (async function* () {
      for (const chunk of chunks) {
        if (typeof chunk === 'number') await sleep(chunk);
        else yield Buffer.from(chunk);
      }
    })(),
  );
}

/** stdout with the oracle: every STATE written is checked against what was acknowledged at that moment. */
function checkingOutput(recordLines: readonly number[], violations: string[], written: number[]): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const part of parts) {
        const { line } = JSON.parse(part) as { line: number };
        const missing = recordLines.filter((r) => r < line && !run.acknowledged.has(r));
        if (missing.length > 0)
          violations.push(
            `the state of line ${line} was written before the records of lines ${missing.join(', ')} were stored`,
          );
        if (written.length > 0 && written.at(-1)! >= line)
          violations.push(`state of line ${line} after that of line ${written.at(-1)}`);
        written.push(line);
      }
      callback();
    },
  });
}

async function runScenario(s: Scenario) {
  run.behaviours = s.behaviours;
  run.exports = 0;
  run.acknowledged = new Set();
  const { chunks, recordLines, stateLines } = buildInput(s);
  const violations: string[] = [];
  const written: number[] = [];
  let error: unknown;
  try {
    await runDestination(OracleDestination, {
      input: tapOutput(chunks),
      output: checkingOutput(recordLines, violations, written),
      logger: createMemoryLogger().logger,
      settings: s.settings,
    });
  } catch (caught) {
    error = caught;
  }
  return { recordLines, stateLines, violations, written, error };
}

describe('the state guarantee under timers, slow and failing exports', () => {
  it('writes a STATE only when every record before it, in every stream, was acknowledged by a successful export', async () => {
    let failedRuns = 0;
    let statesWritten = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const result = await runScenario(s);
        assert.deepEqual(result.violations, []);
        statesWritten += result.written.length;
        if (result.error !== undefined) {
          failedRuns++;
          return;
        }
        // A run that succeeded stored every record and wrote the last state.
        assert.deepEqual(
          [...run.acknowledged].sort((a, b) => a - b),
          result.recordLines,
        );
        const last = result.stateLines.at(-1);
        if (last !== undefined) assert.equal(result.written.at(-1), last);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generator must reach both outcomes, or the property says little.
    assert.ok(failedRuns > 0 && failedRuns < RUNS, `${failedRuns} of ${RUNS} runs failed`);
    assert.ok(statesWritten > RUNS / 3, `only ${statesWritten} states were written in ${RUNS} runs`);
  });
});
