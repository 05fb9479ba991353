#!/usr/bin/env node
// Row (a), the bare baseline: read stdin, split it into lines with split2 and JSON.parse each line, nothing else.
// The SDK loop (b) does this plus everything a destination needs.
//
// With `--split bytes` (row a2, for reference only): split the raw bytes at each LF with Buffer#indexOf and
// decode line by line, the way the SDK's reader does, so the table shows how much of (b)'s speed comes from not
// using split2 (which decodes whole chunks first and splits the text with a regular expression).
import split2 from 'split2';

const splitBytes =
  process.argv.includes('--split') && process.argv[process.argv.indexOf('--split') + 1] === 'bytes';

let lines = 0;
let records = 0;
function handle(line) {
  if (line.length === 0) return;
  const message = JSON.parse(line);
  lines++;
  if (message.type === 'RECORD') records++;
}

if (splitBytes) {
  let rest = Buffer.alloc(0);
  for await (const read of process.stdin) {
    const chunk = rest.length > 0 ? Buffer.concat([rest, read]) : read;
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      handle(chunk.toString('utf8', start, end > start && chunk[end - 1] === 13 ? end - 1 : end));
      start = end + 1;
    }
    rest = chunk.subarray(start);
  }
  if (rest.length > 0) handle(rest.toString('utf8'));
} else {
  for await (const line of process.stdin.pipe(split2())) handle(line);
}
process.stderr.write(`${JSON.stringify({ lines, records })}\n`);
