import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { runTestDestination } from '@singer-dest/sdk/testing';
import { CsvDestination } from '../src/index';
import { configOf, readCsv, tempDir } from './support/csv';

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom('a', ',', ';', '"', "'", '\\', '\n', '\r', ' ', '\0', '=', 'é', '😀'),
    maxLength: 12,
  }),
);
const row = fc.record({
  s: fc.option(text, { nil: null }),
  big: fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
  decimal: fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.stringMatching(/^\d{1,25}$/)),
  flag: fc.option(fc.boolean(), { nil: null }),
  doc: fc.jsonValue({ maxDepth: 3 }),
});

describe('round trip through dest-csv and csv-parse', () => {
  it('reads back every value of random records exactly, for random dialects', async () => {
    const dialect = fc.record({
      delimiter: fc.constantFrom(',', ';', '\t', '|'),
      quote_character: fc.constantFrom('"', "'"),
      line_terminator: fc.constantFrom('\n', '\r\n'),
    });
    await fc.assert(
      fc.asyncProperty(dialect, fc.array(row, { minLength: 1, maxLength: 15 }), async (settings, rows) => {
        const dir = tempDir();
        const schema = { s: {}, big: { type: 'integer' }, decimal: { type: 'number' }, flag: {}, doc: {} };
        const lines = [
          JSON.stringify({ type: 'SCHEMA', stream: 'r', schema: { properties: schema }, key_properties: [] }),
        ];
        for (const r of rows) {
          const decimal = `${r.decimal[0]}.${r.decimal[1]}`;
          const record = `{"s":${JSON.stringify(r.s)},"big":${r.big},"decimal":${decimal},"flag":${JSON.stringify(r.flag)},"doc":${JSON.stringify(r.doc) ?? 'null'}}`;
          lines.push(`{"type":"RECORD","stream":"r","record":${record}}`);
        }
        const result = await runTestDestination(CsvDestination, {
          text: lines.join('\n'),
          config: configOf({ output_path: dir, ...settings }),
        });
        assert.equal(result.error, undefined);
        const [header, ...cells] = readCsv(join(dir, 'r.csv'), {
          delimiter: settings.delimiter,
          quote: settings.quote_character,
        });
        assert.deepEqual(header, ['s', 'big', 'decimal', 'flag', 'doc']);
        assert.equal(cells.length, rows.length);
        rows.forEach((r, i) => {
          const [s, big, decimal, flag, doc] = cells[i]!;
          assert.equal(s, r.s);
          assert.equal(big, String(r.big));
          // Same digits as the input once insignificant zeros are dropped: never rounded.
          const canonical = (t: string) =>
            t
              .replace(/^(-?)0+(?=\d)/, '$1')
              .replace(/(\.\d*?)0+$/, '$1')
              .replace(/\.$/, '');
          assert.equal(canonical(decimal!), canonical(`${r.decimal[0]}.${r.decimal[1]}`));
          assert.equal(flag, r.flag === null ? null : String(r.flag));
          if (r.doc === null) assert.equal(doc, null);
          else if (typeof r.doc === 'string') assert.equal(doc, r.doc);
          else assert.deepEqual(JSON.parse(doc!), JSON.parse(JSON.stringify(r.doc)));
        });
      }),
      { numRuns: 40 },
    );
  });
});
