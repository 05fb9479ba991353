#!/usr/bin/env node
// Row (b): the SDK loop with validation on (the default) and a destination whose export does nothing. Measures
// what the SDK itself costs: reading, parsing, validating, batching, state tracking. It calls runDestination
// (the loop every bin runs) directly on stdin/stdout with default settings, so the benchmark does not depend on
// command-line options; rows (c)-(e) run the real bins through runCli.
//
// Plain JavaScript has no decorator syntax, so the decorators are applied by hand, exactly as TypeScript's
// legacy-decorator output does: `Destination(options)(Class)` and `ExportBatch(prototype, key, descriptor)`.
import sdk from '@singer-dest/sdk';

const { Destination, ExportBatch, runDestination } = sdk;

// The export does nothing with the records, but it does take each one from the SDK, as every real destination
// must: if the SDK materialises records lazily (on first access), that cost belongs to the SDK loop and is counted
// here. It uses the streaming `eachMessage()` when the SDK offers it, else the `records` array.
// BENCH_NOOP_TOUCH=0 (experiments only) skips even that.
const touch = process.env.BENCH_NOOP_TOUCH !== '0';
let delivered = 0;

class NoopDestination {
  exportBatch(context) {
    if (!touch) return;
    if (typeof context.eachMessage === 'function') for (const _message of context.eachMessage()) delivered++;
    else delivered += context.records.length;
  }
}
ExportBatch(
  NoopDestination.prototype,
  'exportBatch',
  Object.getOwnPropertyDescriptor(NoopDestination.prototype, 'exportBatch'),
);
Destination({ name: 'bench-noop', version: '0.0.0', description: 'Benchmark: exports nothing.' })(
  NoopDestination,
);

// For experiments only (the benchmark never sets it): BENCH_SETTINGS='{"maxBatchBytes":10485760}' overrides the
// loop's RunSettings, e.g. to see how batch size or validation changes speed and memory.
const settings = process.env.BENCH_SETTINGS ? JSON.parse(process.env.BENCH_SETTINGS) : undefined;
try {
  const summary = await runDestination(NoopDestination, {
    input: process.stdin,
    inputName: 'stdin',
    settings,
  });
  process.stderr.write(`${JSON.stringify({ summary, delivered })}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
