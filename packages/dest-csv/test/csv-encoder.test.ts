import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse/sync';
import { CsvEncoder, type CsvDialect } from '../src/csv-encoder';

const rfc4180: CsvDialect = { delimiter: ',', quote: '"', escape: '"', lineTerminator: '\r\n' };
const row = (encoder: CsvEncoder, cells: (string | null)[]) =>
  cells.map((c) => encoder.cell(c)).join(encoder.dialect.delimiter) + encoder.dialect.lineTerminator;

describe('CsvEncoder', () => {
  it('quotes only fields holding the delimiter, the quote or a line break, doubling quotes (RFC 4180)', () => {
    const encoder = new CsvEncoder(rfc4180);
    assert.equal(encoder.cell('plain text'), 'plain text');
    assert.equal(encoder.cell('a,b'), '"a,b"');
    assert.equal(encoder.cell('say "hi"'), '"say ""hi"""');
    assert.equal(encoder.cell('line\nbreak'), '"line\nbreak"');
    assert.equal(encoder.cell('cr\rhere'), '"cr\rhere"');
    assert.equal(encoder.cell('back\\slash'), 'back\\slash');
  });

  it('writes null as an empty field and the empty string as "" so they stay distinct', () => {
    const encoder = new CsvEncoder(rfc4180);
    assert.equal(row(encoder, [null, '', 'x']), ',"",x\r\n');
    assert.deepEqual(
      parse(row(encoder, [null, '', 'x']), { cast: (v, ctx) => (v === '' && !ctx.quoting ? null : v) }),
      [[null, '', 'x']],
    );
  });

  it('escapes quotes with the escape character and doubles the escape character inside quoted fields', () => {
    const encoder = new CsvEncoder({ ...rfc4180, escape: '\\' });
    assert.equal(encoder.cell('a "b" \\ c'), '"a \\"b\\" \\\\ c"');
    assert.equal(encoder.cell('only \\ here'), 'only \\ here');
  });

  it('writes the header through csv-stringify, quoting names like cells', () => {
    const encoder = new CsvEncoder({ ...rfc4180, delimiter: ';', lineTerminator: '\n' });
    assert.equal(encoder.header(['id', 'a;b', 'say "x"', '']), 'id;"a;b";"say ""x""";""\n');
  });

  it('writes exactly what csv-stringify writes, for any cells and any dialect', () => {
    const dialect = fc
      .record({
        delimiter: fc.constantFrom(',', ';', '\t', '|', ' ', 'x'),
        quote: fc.constantFrom('"', "'", '`'),
        escape: fc.constantFrom(undefined, '\\', '#'),
        lineTerminator: fc.constantFrom('\n', '\r\n'),
      })
      .map((d): CsvDialect => ({ ...d, escape: d.escape ?? d.quote }));
    const cell = fc.oneof(
      fc.constant(null),
      fc.string({
        unit: fc.constantFrom('a', ',', ';', '"', "'", '`', '\\', '#', '\n', '\r', ' ', '\t', 'x', 'é'),
      }),
      fc.string({ unit: 'grapheme' }),
    );
    fc.assert(
      fc.property(dialect, fc.array(cell, { minLength: 1, maxLength: 6 }), (d, cells) => {
        const encoder = new CsvEncoder(d);
        assert.equal(row(encoder, cells), stringify([cells], encoder.stringifyOptions()));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any cells through csv-parse, nulls and empty strings included', () => {
    const encoder = new CsvEncoder(rfc4180);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(null), fc.string({ unit: 'binary' })), { minLength: 1, maxLength: 5 }),
        (cells) => {
          const text = row(encoder, cells);
          const parsed = parse(text, {
            cast: (v, ctx) => (v === '' && !ctx.quoting ? null : v),
          }) as unknown[][];
          assert.deepEqual(parsed, [cells]);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
