import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExactNumber } from '@singer-dest/sdk';
import { formatValue } from '../src/value-format';

describe('formatValue', () => {
  it('keeps strings as they are and maps null and missing values to null', () => {
    assert.equal(formatValue('héllo, "world"\n', false), 'héllo, "world"\n');
    assert.equal(formatValue('', false), '');
    assert.equal(formatValue(null, false), null);
    assert.equal(formatValue(undefined, false), null);
  });

  it('writes numbers with the digits of the input, exact numbers digit for digit', () => {
    assert.equal(formatValue(42, false), '42');
    assert.equal(formatValue(-0.5, false), '-0.5');
    assert.equal(
      formatValue(new ExactNumber('123456789012345678901234567890'), false),
      '123456789012345678901234567890',
    );
    assert.equal(
      formatValue(new ExactNumber('0.10000000000000000000000001'), false),
      '0.10000000000000000000000001',
    );
    assert.equal(formatValue(new ExactNumber('1e400'), false), '1e400');
  });

  it('writes booleans as true and false', () => {
    assert.equal(formatValue(true, false), 'true');
    assert.equal(formatValue(false, false), 'false');
  });

  it('writes objects and arrays as JSON text, exact numbers inside them included', () => {
    assert.equal(formatValue({ a: [1, null, 'x'] }, false), '{"a":[1,null,"x"]}');
    assert.equal(formatValue([new ExactNumber('18446744073709551616')], false), '[18446744073709551616]');
    assert.equal(formatValue({}, false), '{}');
  });

  it('prefixes text that a spreadsheet would run as a formula only when asked, never numbers or JSON', () => {
    for (const text of ['=1+2', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx', '\uFF1D1']) {
      assert.equal(formatValue(text, true), `'${text}`);
      assert.equal(formatValue(text, false), text);
    }
    assert.equal(formatValue('a=b', true), 'a=b');
    assert.equal(formatValue(-5, true), '-5');
    assert.equal(formatValue(new ExactNumber('-12345678901234567890'), true), '-12345678901234567890');
  });
});
