#!/usr/bin/env node
// Memory per stream (issue 13): 3,000 streams with one record each, every batch buffered until the input ends.
// Each stream's batch starts with a block as small as its first record, so peak ArrayBuffer memory stays far below
// one MiB per stream (the old first block, which made this input hold about 3,000 MB). Runs the SDK loop with a
// destination that does nothing, in this process, and checks peak ArrayBuffer memory and peak RSS.
//
//   node bench/many-streams.mjs [--streams 3000] [--max-array-buffers-mb 64] [--max-rss-mb 200]
import { PassThrough, Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import sdk from '@singer-dest/sdk';

const { Destination, ExportBatch, runDestination, createMemoryLogger } = sdk;
const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '3000' },
    'max-array-buffers-mb': { type: 'string', default: '64' },
    'max-rss-mb': { type: 'string', default: '200' },
  },
});
const streams = Number(values.streams);
const MB = 1024 * 1024;

let peakArrayBuffers = 0;
const sample = () => (peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers));

class NoopDestination {
  exportBatch() {
    sample(); // the first export runs when every stream's batch is buffered: the peak
  }
}
ExportBatch(
  NoopDestination.prototype,
  'exportBatch',
  Object.getOwnPropertyDescriptor(NoopDestination.prototype, 'exportBatch'),
);
Destination({ name: 'bench-many-streams', version: '0.0.0', description: 'Benchmark: exports nothing.' })(
  NoopDestination,
);

function* input() {
  const schema = {
    properties: {
      id: { type: 'integer' },
      name: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
    },
  };
  for (let i = 0; i < streams; i++) {
    const stream = `stream_${i}`;
    yield `${JSON.stringify({ type: 'SCHEMA', stream, schema, key_properties: ['id'] })}\n`;
    yield `${JSON.stringify({ type: 'RECORD', stream, record: { id: i, name: `name ${i}`, at: '2024-06-01T12:00:00Z' } })}\n`;
  }
  yield `${JSON.stringify({ type: 'STATE', value: { streams } })}\n`;
}

const timer = setInterval(sample, 5);
const started = performance.now();
const summary = await runDestination(NoopDestination, {
  input: Readable.from(input()),
  output: new PassThrough().resume(),
  logger: createMemoryLogger().logger,
});
clearInterval(timer);
sample();
const peakRss = process.resourceUsage().maxRSS * 1024;
const seconds = (performance.now() - started) / 1000;
const maxArrayBuffers = Number(values['max-array-buffers-mb']) * MB;
const maxRss = Number(values['max-rss-mb']) * MB;
const ok = peakArrayBuffers < maxArrayBuffers && peakRss < maxRss && summary.batches === streams;
console.log(
  `${streams} streams x 1 record: ${summary.batches} batches in ${seconds.toFixed(2)} s; ` +
    `peak ArrayBuffer ${(peakArrayBuffers / MB).toFixed(1)} MB (limit ${values['max-array-buffers-mb']}), ` +
    `peak RSS ${(peakRss / MB).toFixed(0)} MB (limit ${values['max-rss-mb']}): ${ok ? 'PASS' : 'FAIL'}`,
);
process.exit(ok ? 0 : 1);
