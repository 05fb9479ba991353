import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExactNumber } from '@singer-dest/sdk';
import { CsvEncoder, type CsvDialect } from '../src/csv-encoder';
import { planColumns } from '../src/flatten';
import { RowEncoder } from '../src/row-encoder';
import { TextEncoding } from '../src/text-encoding';
import { formatValue } from '../src/value-format';

const dialect = fc.oneof(
  fc.constant<CsvDialect>({ delimiter: ',', quote: '"', escape: '"', lineTerminator: '\r\n' }),
  fc
    .record({
      delimiter: fc.constantFrom(',', ';', '\t', '.', '1', 'e'),
      quote: fc.constantFrom('"', "'"),
      escape: fc.constantFrom(undefined, '\\'),
      lineTerminator: fc.constantFrom('\n', '\r\n'),
    })
    .map((d): CsvDialect => ({ ...d, escape: d.escape ?? d.quote })),
);
const text = fc.string({
  unit: fc.constantFrom('a', ',', ';', '"', "'", '\\', '\n', '=', '.', '1', 'e', 'é', '😀', '\u0001'),
});
const leaf = fc.oneof(
  text,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt().map((n) => new ExactNumber(`${n}123456789012345678901234567890`)),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 3 }),
  object: fc.dictionary(text, tie('node'), { maxKeys: 3 }),
})).node;

/** The row by the plain rule: each value formatted (formatValue), quoted as a cell (CsvEncoder.cell), joined. */
function expectedRow(encoder: CsvEncoder, values: unknown[], escapeFormulas: boolean): string {
  const { delimiter, lineTerminator } = encoder.dialect;
  return values.map((v) => encoder.cell(formatValue(v, escapeFormulas))).join(delimiter) + lineTerminator;
}

describe('RowEncoder', () => {
  it('writes each row as its values formatted and quoted one by one, also row after row of other sizes', () => {
    fc.assert(
      fc.property(
        dialect,
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.array(fc.array(value, { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        (d, width, escapeFormulas, records) => {
          const columns = Array.from({ length: width }, (_, i) => `c${i}`);
          const encoder = new CsvEncoder(d);
          const rows = new RowEncoder({
            plan: planColumns(
              { properties: Object.fromEntries(columns.map((c) => [c, {}])) },
              { enabled: false, maxDepth: 10 },
            ),
            encoder,
            encoding: new TextEncoding('utf-8'),
            escapeFormulas,
            metadata: undefined,
          });
          // One encoder for every row, as a stream's batches use it: a long row, then shorter ones.
          for (const values of records) {
            const record = Object.fromEntries(columns.map((c, i) => [c, values[i]]));
            const expected = expectedRow(encoder, values.slice(0, width), escapeFormulas);
            assert.equal(rows.encode({ record }, 0, 0, 1), expected);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
