#!/usr/bin/env node
// Row (b): the SDK loop with validation on (the default) and a destination whose export does nothing. Measures
// what the SDK itself costs: reading, parsing, validating, batching, state tracking.
//
// Plain JavaScript has no decorator syntax, so the decorators are applied by hand, exactly as TypeScript's
// legacy-decorator output does: `Destination(options)(Class)` and `ExportBatch(prototype, key, descriptor)`.
import sdk from '@singer-dest/sdk';

const { Destination, ExportBatch, runCli } = sdk;

class NoopDestination {
  exportBatch(_context) {}
}
ExportBatch(
  NoopDestination.prototype,
  'exportBatch',
  Object.getOwnPropertyDescriptor(NoopDestination.prototype, 'exportBatch'),
);
Destination({ name: 'bench-noop', version: '0.0.0', description: 'Benchmark: exports nothing.' })(
  NoopDestination,
);

runCli(NoopDestination);
