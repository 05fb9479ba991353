#!/usr/bin/env node
// Row (b): the SDK loop with validation on (the default) and a destination that does nothing. Measures what the
// SDK itself costs: reading, parsing, validating, batching, state tracking. It calls runDestination (the loop every
// bin runs) directly on stdin/stdout (its default input, opened as the bins open it) with default settings, so the benchmark does not depend on command-line
// options; rows (c)-(e) run the real bins through runCli.
//
// BENCH_NOOP_MODE picks what the destination takes from the SDK (the SDK parses records lazily, so this matters):
//   none     (row b)  `@ExportBatch` that reads nothing: the literal no-op destination.
//   records  (row br) `@ExportBatch` that takes every record (`eachMessage()`, else `records`) and drops it: what
//                     a destination written against the plain API pays at least.
//   encode   (row be) the SDK's encode stage (`@EncodeWith`, bench/noop-encoder.cjs) encoding every record to ''
//                     and an `@ExportBatch` reading `encoded`: the path dest-csv, dest-postgres and dest-duckdb
//                     use, with nothing encoded (an SDK from before the stage: `@EncodeRecord` returning '').
//
// Plain JavaScript has no decorator syntax, so the decorators are applied by hand, exactly as TypeScript's
// legacy-decorator output does: `Destination(options)(Class)` and `ExportBatch(prototype, key, descriptor)`.
import { fileURLToPath } from 'node:url';
import sdk from '@singer-dest/sdk';

const { Destination, EncodeRecord, EncodeWith, ExportBatch, runDestination } = sdk;
const mode = process.env.BENCH_NOOP_MODE ?? 'none';
let delivered = 0;

class NoopDestination {
  exportBatch(context) {
    if (mode === 'records') {
      if (typeof context.eachMessage === 'function')
        for (const _message of context.eachMessage()) delivered++;
      else delivered += context.records.length;
    } else if (mode === 'encode') {
      delivered += context.size;
    }
  }

  encode(_context) {
    return '';
  }

  encoderFacts() {
    return {};
  }
}

const decorate = (decorator, key) =>
  decorator(NoopDestination.prototype, key, Object.getOwnPropertyDescriptor(NoopDestination.prototype, key));
decorate(ExportBatch, 'exportBatch');
if (mode === 'encode') {
  const module = fileURLToPath(new URL('noop-encoder.cjs', import.meta.url));
  if (EncodeWith !== undefined) decorate(EncodeWith({ module, export: 'empty' }), 'encoderFacts');
  else if (EncodeRecord !== undefined) decorate(EncodeRecord, 'encode');
  else throw new Error('BENCH_NOOP_MODE=encode: this SDK has neither @EncodeWith nor @EncodeRecord');
} else if (mode !== 'none' && mode !== 'records') {
  throw new Error(`BENCH_NOOP_MODE must be none, records or encode, not ${mode}`);
}
Destination({ name: 'bench-noop', version: '0.0.0', description: 'Benchmark: exports nothing.' })(
  NoopDestination,
);

// For experiments only (the benchmark never sets it): BENCH_SETTINGS='{"maxBatchBytes":10485760}' overrides the
// loop's RunSettings, e.g. to see how batch size or validation changes speed and memory.
const settings = process.env.BENCH_SETTINGS ? JSON.parse(process.env.BENCH_SETTINGS) : undefined;
try {
  const summary = await runDestination(NoopDestination, {
    inputName: 'stdin',
    tuneProcess: true, // an entry point of its own, tuned as runCli tunes the bins
    settings,
  });
  const exported = Object.values(summary.records).reduce((sum, n) => sum + n, 0);
  process.stderr.write(`${JSON.stringify({ mode, exported, delivered })}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
