#!/usr/bin/env node
// Row (a), the bare baseline: read stdin, split it into lines with split2 (the same package and version the SDK
// uses) and JSON.parse each line, nothing else. The SDK loop (b) does this plus everything a destination needs.
import { createRequire } from 'node:module';

// Resolve split2 from the SDK package, so the baseline always uses the SDK's copy.
const requireFromSdk = createRequire(new URL('../packages/sdk/package.json', import.meta.url));
const split2 = requireFromSdk('split2');

let lines = 0;
let records = 0;
for await (const line of process.stdin.pipe(split2())) {
  if (line.length === 0) continue;
  const message = JSON.parse(line);
  lines++;
  if (message.type === 'RECORD') records++;
}
process.stderr.write(`${JSON.stringify({ lines, records })}\n`);
