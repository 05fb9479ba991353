#!/usr/bin/env node
// Micro-benchmark of the exact JSON parse (packages/sdk/src/json/parse-json.ts) on a benchmark input's lines, as
// ratios to plain JSON.parse of the same lines, each way interleaved round by round:
//   json.parse  JSON.parse alone (the a2 row's parse)
//   sdk         parseJsonExact: JSON.parse, a scan for literals a double cannot hold, and for the lines that
//               have one, a second JSON.parse of the line with those literals as marker strings and a walk
//   lossless    the previous way: lossless-json's parser for every line with a long digit run
//   source      JSON.parse with a reviver reading V8's source text (--harmony-json-parse-with-source, a flag
//               of V8 11.3 set at run time here) for the lines that have such a literal
//
//   node bench/exact-parse.mjs [--input real|standard] [--records 100000] [--rounds 5]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { ensureInput } from './generate.mjs';

const require = createRequire(import.meta.url);
const { parseJsonExact, ExactNumber } = require('@singer-dest/sdk');
const { isSafeNumber, parse: parseLossless } = require('lossless-json');

const { values: opts } = parseArgs({
  options: {
    input: { type: 'string', default: 'real' },
    records: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
  },
});
setFlagsFromString('--harmony-json-parse-with-source');

const manifest = await ensureInput(Number(opts.records), () => undefined, opts.input);
const lines = readFileSync(manifest.paths.singer, 'utf8').split('\n').filter(Boolean);
const MAY_LOSE_DIGITS = new RegExp(`\\d(?:${'[\\d.]'.repeat(15)}|[eE][+-]?\\d\\d\\d)`);

const ways = {
  'json.parse': (text) => JSON.parse(text),
  sdk: (text) => parseJsonExact(text),
  lossless: (text) => {
    const approximate = JSON.parse(text);
    if (!MAY_LOSE_DIGITS.test(text)) return approximate;
    return parseLossless(text, null, (literal) =>
      isSafeNumber(literal) ? Number(literal) : new ExactNumber(literal),
    );
  },
  source: (text) => {
    const approximate = JSON.parse(text);
    if (!MAY_LOSE_DIGITS.test(text)) return approximate;
    return JSON.parse(text, (_key, value, context) =>
      typeof value === 'number' && context.source.length > 15 && !isSafeNumber(context.source)
        ? new ExactNumber(context.source)
        : value,
    );
  },
};
const times = Object.fromEntries(Object.keys(ways).map((w) => [w, []]));
let sink = 0;
for (let round = 0; round < Number(opts.rounds); round++) {
  for (const [name, parse] of Object.entries(ways)) {
    const started = process.hrtime.bigint();
    for (const line of lines) sink += parse(line) === undefined ? 1 : 0;
    times[name].push(Number(process.hrtime.bigint() - started) / lines.length);
  }
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const base = median(times['json.parse']);
process.stdout.write(
  `${opts.input} input, ${lines.length} lines, median of ${opts.rounds} rounds (sink ${sink})\n`,
);
for (const [name, t] of Object.entries(times))
  process.stdout.write(
    `  ${name.padEnd(11)} ${median(t).toFixed(0).padStart(6)} ns/line  ${(median(t) / base).toFixed(2)}x JSON.parse\n`,
  );
