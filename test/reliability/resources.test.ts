import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { errorLog, runBin, tempDir, type BinResult } from './support/bins';
import { TARGETS, type Target } from './support/targets';
import type { HeapPeaks } from './support/heap-probe';

// Peak RSS is read from /proc/<pid>/status (VmHWM) while the child runs. Bounds are generous on purpose: they
// catch "the whole input is held in memory", not small regressions (those belong to `npm run bench:rss`).
const MB = 1024 * 1024;
// `npm run test:long` sets RELIABILITY_LONG=1 for bigger inputs; the default sizes keep `npm test` quick. The
// smaller "huge" input is past start-up (V8's heap still grows by ~20 MB over the first 50 MB of input), so the
// comparison sees growth with input size, not warm-up.
const LONG = process.env.RELIABILITY_LONG === '1';
const SIZES = LONG
  ? { hugeSmall: 150_000, hugeLarge: 1_000_000, tinyPg: 2000, tinyCsv: 5000, churnPg: 2000, churnCsv: 10_000 }
  : { hugeSmall: 120_000, hugeLarge: 480_000, tinyPg: 300, tinyCsv: 1000, churnPg: 300, churnCsv: 1000 };
const work = tempDir('resources');
after(() => work.remove());

/** Writes lines from a generator to a file in the work dir; returns its path and size. */
async function generate(
  name: string,
  lines: () => Iterable<string>,
): Promise<{ file: string; bytes: number }> {
  const file = join(work.path, name);
  const out = createWriteStream(file);
  let chunk = '';
  for (const line of lines()) {
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return { file, bytes: statSync(file).size };
}

function* oneHugeStream(records: number): Iterable<string> {
  yield JSON.stringify({
    type: 'SCHEMA',
    stream: 'huge',
    schema: { type: 'object', properties: { id: { type: 'integer' }, body: { type: 'string' } } },
    key_properties: ['id'],
  });
  const body = 'lorem ipsum dolor sit amet '.repeat(6);
  for (let id = 1; id <= records; id++) {
    yield JSON.stringify({ type: 'RECORD', stream: 'huge', record: { id, body } });
    if (id % 10_000 === 0) yield JSON.stringify({ type: 'STATE', value: { pos: id } });
  }
}

function* manyTinyStreams(streams: number): Iterable<string> {
  for (let s = 0; s < streams; s++) {
    yield JSON.stringify({
      type: 'SCHEMA',
      stream: `s${s}`,
      schema: { type: 'object', properties: { id: { type: 'integer' } } },
      key_properties: ['id'],
    });
    yield JSON.stringify({ type: 'RECORD', stream: `s${s}`, record: { id: s } });
  }
  yield JSON.stringify({ type: 'STATE', value: { pos: streams } });
}

/** A changed SCHEMA before every record (a new description each time: a new validator, a flush per record). */
function* schemaPerRecord(records: number): Iterable<string> {
  for (let id = 1; id <= records; id++) {
    yield JSON.stringify({
      type: 'SCHEMA',
      stream: 'churn',
      schema: { type: 'object', properties: { id: { type: 'integer', description: `version ${id}` } } },
      key_properties: ['id'],
    });
    yield JSON.stringify({ type: 'RECORD', stream: 'churn', record: { id } });
  }
  yield JSON.stringify({ type: 'STATE', value: { pos: records } });
}

/** The bin's result, with the largest heap figures of its main thread (support/heap-probe.ts). */
type Measured = BinResult & { heap: HeapPeaks };

async function measure(target: Target, file: string, settings: Record<string, unknown>): Promise<Measured> {
  const prepared = await target.prepare('rss', { batch_size_rows: undefined, ...settings });
  const probeFile = join(work.path, `heap-${target.name}-${process.hrtime.bigint()}.json`);
  try {
    const result = await runBin(target.bin, ['--config', prepared.configPath], {
      stages: [{ send: [{ file }] }],
      measureRss: true,
      timeoutMs: 300_000,
      env: {
        NODE_OPTIONS: `--require ${join(__dirname, 'support', 'heap-probe.js')}`,
        HEAP_PROBE_FILE: probeFile,
      },
    });
    assert.equal(result.code, 0, result.stderr.slice(-2000));
    assert.equal(errorLog(result), undefined);
    assert.ok(result.peakRssKb !== undefined, 'peak RSS was measured');
    return { ...result, heap: JSON.parse(readFileSync(probeFile, 'utf8')) as HeapPeaks };
  } finally {
    await prepared.cleanup();
  }
}

const heapMb = ({ heap }: Measured) =>
  `young generation ${(heap.youngGeneration / MB).toFixed(0)} MB, old ${(heap.oldGeneration / MB).toFixed(0)} MB, ArrayBuffers ${(heap.arrayBuffers / MB).toFixed(0)} MB`;

const peakMb = (result: BinResult) => result.peakRssKb! / 1024;

for (const target of TARGETS) {
  describe(`${target.name} memory under adversarial input`, () => {
    it('one huge stream: tripling the input grows peak memory by well under the extra input', async (t) => {
      const small = await generate(`huge-small-${target.name}`, () => oneHugeStream(SIZES.hugeSmall));
      const large = await generate(`huge-large-${target.name}`, () => oneHugeStream(SIZES.hugeLarge));
      const settings = { maximum_batch_size_mb: 2 };
      const base = await measure(target, small.file, settings);
      const big = await measure(target, large.file, settings);
      assert.equal(big.stdout.split('\n').at(-2), `{"pos":${SIZES.hugeLarge}}`);
      const growth = peakMb(big) - peakMb(base);
      const inputMb = (large.bytes - small.bytes) / MB;
      t.diagnostic(
        `peak RSS ${peakMb(base).toFixed(0)} MB (${(small.bytes / MB).toFixed(0)} MB input) → ${peakMb(big).toFixed(0)} MB (${(large.bytes / MB).toFixed(0)} MB input)`,
      );
      t.diagnostic(`${heapMb(base)} → ${heapMb(big)}`);
      // The SDK caps V8's young generation at 8 MB (one doubling past it at most); V8 alone grows it to 32 MB.
      for (const run of [base, big])
        assert.ok(run.heap.youngGeneration <= 16 * MB, `young generation: ${heapMb(run)}`);
      // A collection after every 16 MB of exported batches (the SDK's export-queue.ts) keeps the old generation
      // where the smaller run left it (with none, as 2 MB batches had, it grew 11-17 MB here, with the input).
      assert.ok(
        big.heap.oldGeneration - base.heap.oldGeneration <= 4 * MB,
        `old generation grew with the input: ${heapMb(base)} → ${heapMb(big)}`,
      );
      assert.ok(
        growth < inputMb * 0.6,
        `peak RSS grew ${growth.toFixed(0)} MB (${peakMb(base).toFixed(0)} → ${peakMb(big).toFixed(0)}) for ${inputMb.toFixed(0)} MB more input`,
      );
    });

    it('thousands of tiny streams stay under a generous bound', async (t) => {
      const streams = target.name === 'dest-postgres' ? SIZES.tinyPg : SIZES.tinyCsv;
      const input = await generate(`tiny-${target.name}`, () => manyTinyStreams(streams));
      const result = await measure(target, input.file, {});
      assert.equal(result.stdout, `{"pos":${streams}}\n`);
      t.diagnostic(`peak RSS ${peakMb(result).toFixed(0)} MB`);
      assert.ok(peakMb(result) < 400, `peak RSS ${peakMb(result).toFixed(0)} MB`);
    });

    it('a changed SCHEMA before every record stays under a generous bound', async (t) => {
      const records = target.name === 'dest-postgres' ? SIZES.churnPg : SIZES.churnCsv;
      const input = await generate(`churn-${target.name}`, () => schemaPerRecord(records));
      const result = await measure(target, input.file, {});
      assert.equal(result.stdout, `{"pos":${records}}\n`);
      t.diagnostic(`peak RSS ${peakMb(result).toFixed(0)} MB`);
      assert.ok(peakMb(result) < 400, `peak RSS ${peakMb(result).toFixed(0)} MB`);
    });
  });
}
