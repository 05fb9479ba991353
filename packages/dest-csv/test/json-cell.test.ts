import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExactNumber, stringifyJson } from '@singer-dest/sdk';
import { CsvEncoder } from '../src/csv-encoder';
import { jsonCell } from '../src/json-cell';

const awkwardText = fc.string({
  unit: fc.constantFrom(
    'a',
    '"',
    '\\',
    '\n',
    '\u0000',
    '\u001f',
    '\u2028',
    '\ud800',
    '\udc00',
    '😀',
    ',',
    ';',
    'é',
  ),
});
const leaf = fc.oneof(
  awkwardText,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt().map((n) => new ExactNumber(`${n}123456789012345678901234567890`)),
);
const value = fc
  .letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('node'), { maxLength: 4 }),
    object: fc.dictionary(
      fc.oneof(awkwardText, fc.constantFrom('__proto__', 'constructor', '0', '10')),
      tie('node'),
      {
        maxKeys: 4,
      },
    ),
  }))
  .node.filter((v): v is object => typeof v === 'object' && v !== null && !(v instanceof ExactNumber));

describe('jsonCell', () => {
  it('writes the same bytes as quoting the SDK stringifyJson text, for any object or array', () => {
    fc.assert(
      fc.property(value, fc.constantFrom(',', ';', '\t', 'a'), (v, delimiter) => {
        const encoder = new CsvEncoder({ delimiter, quote: '"', escape: '"', lineTerminator: '\r\n' });
        assert.equal(jsonCell(v, delimiter), encoder.cell(stringifyJson(v)));
      }),
      { numRuns: 3000 },
    );
  });

  it('quotes only when the JSON text holds a quote or the delimiter', () => {
    assert.equal(jsonCell([1], ','), '[1]');
    assert.equal(jsonCell([1, 2], ','), '"[1,2]"');
    assert.equal(jsonCell([1, 2], ';'), '[1,2]');
    assert.equal(jsonCell({ a: 'say "x"' }, ','), '"{""a"":""say \\""x\\""""}"');
    assert.equal(jsonCell({}, ','), '{}');
  });
});
