import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExactNumber, ExactNumericTypes, normalizeSchema, type JsonSchema } from '../../src/index';

const exact = (text: string) => new ExactNumber(text);
// A warehouse's family as dest-duckdb declares it.
const types = new ExactNumericTypes({
  integers: [
    { type: 'BIGINT', digits: 19, limit: 2n ** 63n },
    { type: 'HUGEINT', digits: 39, limit: 2n ** 127n },
  ],
  decimal: { maxPrecision: 38, nameOf: (p, s) => `DECIMAL(${p},${s})`, parse: /^DECIMAL\((\d+),(\d+)\)$/ },
  text: 'VARCHAR',
  beyond: 'widen it',
});
const typeOf = (schema: JsonSchema) =>
  types.ofProperty(normalizeSchema({ properties: { p: schema } }).properties[0]!);

describe('ExactNumericTypes', () => {
  it('reads what each type holds: integers by their limit, DECIMAL(p,s) as p-s and s digits, others not', () => {
    assert.deepEqual(types.shapeOf('BIGINT'), { int: 19, scale: 0, limit: 2n ** 63n });
    assert.deepEqual(types.shapeOf('DECIMAL(10,2)'), { int: 8, scale: 2 });
    assert.equal(types.shapeOf('VARCHAR'), undefined);
    assert.equal(types.shapeOf('DATE'), undefined);
  });

  it('types an integer property by its bounds: the first integer type holding them, else text', () => {
    assert.equal(typeOf({ type: 'integer' }), 'BIGINT');
    assert.equal(typeOf({ type: 'integer', maximum: exact('9223372036854775807') }), 'BIGINT');
    assert.equal(typeOf({ type: 'integer', minimum: 0, maximum: exact('18446744073709551615') }), 'HUGEINT');
    assert.equal(typeOf({ type: 'integer', maximum: exact('1e40') }), 'VARCHAR');
    assert.equal(typeOf({ type: 'number', multipleOf: 1, maximum: 100 }), 'BIGINT');
  });

  it('types a decimal property DECIMAL(p,s) sized by its bounds, text past the largest precision', () => {
    assert.equal(typeOf({ type: 'number', multipleOf: 0.01, maximum: 1e8 }), 'DECIMAL(11,2)');
    assert.equal(typeOf({ type: 'number', multipleOf: 0.01 }), 'DECIMAL(38,2)');
    assert.equal(typeOf({ type: 'number', multipleOf: 0.001, maximum: 0.5 }), 'DECIMAL(4,3)');
    assert.equal(typeOf({ type: 'number', multipleOf: 0.01, maximum: exact('1e40') }), 'VARCHAR');
  });

  it('leaves other properties to the destination: plain numbers, another multipleOf, strings', () => {
    assert.equal(typeOf({ type: 'number' }), undefined);
    assert.equal(typeOf({ type: 'number', multipleOf: 0.5 }), undefined);
    assert.equal(typeOf({ type: 'string' }), undefined);
  });

  it('gives the narrowest type holding a number as written', () => {
    assert.equal(types.holding(42), 'BIGINT');
    assert.equal(types.holding(exact('999999999999999999')), 'BIGINT');
    assert.equal(types.holding(exact('9999999999999999999')), 'HUGEINT');
    assert.equal(types.holding(exact('1e40')), 'VARCHAR');
    assert.equal(types.holding(exact('0.295')), 'DECIMAL(4,3)');
    assert.equal(types.holding(exact('1.17345678901234567890123456789012345678')), 'VARCHAR');
  });

  it('widens two numeric types to one holding both, and answers undefined for a type not of the family', () => {
    assert.equal(types.wider('DECIMAL(10,2)', 'DECIMAL(12,4)'), 'DECIMAL(12,4)');
    assert.equal(types.wider('DECIMAL(12,4)', 'DECIMAL(10,2)'), 'DECIMAL(12,4)');
    assert.equal(types.wider('DECIMAL(10,2)', 'DECIMAL(5,4)'), 'DECIMAL(12,4)');
    assert.equal(types.wider('BIGINT', 'HUGEINT'), 'HUGEINT');
    assert.equal(types.wider('HUGEINT', 'BIGINT'), 'HUGEINT');
    assert.equal(types.wider('BIGINT', 'DECIMAL(10,2)'), 'DECIMAL(21,2)');
    assert.equal(types.wider('HUGEINT', 'DECIMAL(10,2)'), 'VARCHAR');
    assert.equal(types.wider('BIGINT', 'VARCHAR'), undefined);
    assert.equal(types.wider('DATE', 'BIGINT'), undefined);
  });

  it('says why a number does not fit its column, in the family’s names and with its advice', () => {
    assert.equal(
      types.misfit(exact('1.234'), 'DECIMAL(10,2)'),
      '1.234 has 3 decimals; DECIMAL(10,2) keeps 2 and would round it',
    );
    assert.equal(
      types.misfit(exact('9223372036854775808'), 'BIGINT'),
      '9223372036854775808 is beyond BIGINT; widen it',
    );
    assert.equal(types.misfit(42, 'BIGINT'), undefined);
    assert.equal(types.misfit('1.234', 'DECIMAL(10,2)'), undefined, 'not a number');
    assert.equal(types.misfit(exact('1.234'), 'VARCHAR'), undefined, 'not a numeric type');
  });
});
