import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExactNumber } from '@singer-dest/sdk';
import { encodeCopyRows, type CopyColumn } from '../src/copy-encoder';
import { PostgresDestinationError } from '../src/errors';

function encode(values: unknown[][], json: boolean[], sanitizeNul = false): string {
  const columns: CopyColumn[] = json.map((isJson, c) => ({
    label: `c${c}`,
    json: isJson,
    valueOf: (i) => values[i]![c],
  }));
  const rows = values.map((_, i) => i);
  const chunks = [...encodeCopyRows(columns, rows, { sanitizeNul, lineOf: (i) => i + 10, stream: 's' })];
  return Buffer.concat(chunks).toString('utf8');
}

describe('COPY text encoder', () => {
  it('writes tab-separated rows with \\N for null and missing values', () => {
    assert.equal(
      encode(
        [
          [1, 'a', null],
          [2, undefined, true],
        ],
        [false, false, false],
      ),
      '1\ta\t\\N\n2\t\\N\ttrue\n',
    );
  });

  it('escapes backslash, tab, newline and carriage return, and leaves other text as it is', () => {
    assert.equal(
      encode([['a\\b\tc\nd\re'], ['\\N'], ['ünï "q" ;']], [false]),
      'a\\\\b\\tc\\nd\\re\n\\\\N\nünï "q" ;\n',
    );
  });

  it('writes exact numbers digit for digit, also inside JSON', () => {
    const big = new ExactNumber('123456789012345678901234567890.000000000000000001');
    assert.equal(
      encode([[big, { v: big }]], [false, true]),
      '123456789012345678901234567890.000000000000000001\t{"v":123456789012345678901234567890.000000000000000001}\n',
    );
  });

  it('writes every value of a json column as JSON, strings quoted, escapes kept', () => {
    assert.equal(encode([['a\nb', 5, ['x']]], [true, true, true]), '"a\\\\nb"\t5\t["x"]\n');
  });

  it('fails on a NUL character with the input line and property', () => {
    assert.throws(
      () => encode([['ok'], ['a\u0000b']], [false]),
      (error: unknown) =>
        error instanceof PostgresDestinationError &&
        error.code === 'ERR_PG_NUL_CHARACTER' &&
        error.line === 11 &&
        error.message.startsWith('input line 11: stream "s", property "c0" contains a NUL character'),
    );
    assert.throws(() => encode([[{ k: 'a\u0000' }]], [true]), { code: 'ERR_PG_NUL_CHARACTER' });
  });

  it('replaces NUL with U+FFFD when sanitizing, in text and in JSON', () => {
    assert.equal(encode([['a\u0000b', { k: '\u0000' }]], [false, true], true), 'a\uFFFDb\t{"k":"\uFFFD"}\n');
  });

  it('does not mistake an escaped backslash before u0000 for a NUL', () => {
    assert.equal(encode([[{ k: '\\u0000' }]], [true]), '{"k":"\\\\\\\\u0000"}\n');
  });
});
