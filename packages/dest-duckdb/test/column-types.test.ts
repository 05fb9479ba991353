import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExactNumber, normalizeSchema, type JsonSchema } from '@singer-dest/sdk';
import type { DuckDBDecimalValue } from '@duckdb/node-api';
import { stageTypeOf } from '../src/chunk-rows';
import { columnTypeOf as typeOfProperty, misfitOf } from '../src/column-types';
import { widerType } from '../src/table-sql';

const exact = (text: string) => new ExactNumber(text);
/** The column type of one property schema, normalized by the SDK first as the destination does. */
const columnTypeOf = (schema: JsonSchema, asText: boolean) =>
  typeOfProperty(normalizeSchema({ properties: { p: schema } }).properties[0]!, asText);

describe('columnTypeOf', () => {
  it('maps integers to BIGINT, or HUGEINT when the bounds pass 64 bits, or VARCHAR past 128 bits', () => {
    assert.equal(columnTypeOf({ type: 'integer' }, false), 'BIGINT');
    const int64 = { minimum: exact('-9223372036854775808'), maximum: exact('9223372036854775807') };
    assert.equal(columnTypeOf({ type: ['null', 'integer'], ...int64 }, false), 'BIGINT');
    // tap-mysql's bigint unsigned: 0 .. 2^64-1
    assert.equal(
      columnTypeOf({ type: 'integer', minimum: 0, maximum: exact('18446744073709551615') }, false),
      'HUGEINT',
    );
    assert.equal(columnTypeOf({ type: 'integer', maximum: exact('1e40') }, false), 'VARCHAR');
  });

  it('maps numbers with a power-of-ten multipleOf to DECIMAL(p,s) sized by the bounds (draft-4 and later)', () => {
    // tap-postgres numeric(10,2): multipleOf 0.01, |x| < 10^8 with draft-4 boolean exclusive bounds
    const numeric = {
      type: ['null', 'number'],
      multipleOf: 0.01,
      maximum: 100000000,
      exclusiveMaximum: true,
      minimum: -100000000,
      exclusiveMinimum: true,
    };
    assert.equal(columnTypeOf(numeric, false), 'DECIMAL(10,2)');
    assert.equal(
      columnTypeOf({ type: 'number', multipleOf: 1e-10, exclusiveMaximum: exact('1e20') }, false),
      'DECIMAL(30,10)',
    );
    assert.equal(columnTypeOf({ type: 'number', multipleOf: exact('1e-12') }, false), 'DECIMAL(38,12)');
    assert.equal(columnTypeOf({ type: 'number', multipleOf: 1, maximum: exact('1e30') }, false), 'HUGEINT');
    assert.equal(
      columnTypeOf({ type: 'number', multipleOf: 0.01, maximum: exact('1e40') }, false),
      'VARCHAR',
    );
  });

  it('maps a number the schema does not fix to DECIMAL(38,9), or VARCHAR with unbounded_numbers_as_text', () => {
    assert.equal(columnTypeOf({ type: 'number' }, false), 'DECIMAL(38,9)');
    assert.equal(columnTypeOf({ type: 'number', multipleOf: 0.5 }, false), 'DECIMAL(38,9)');
    assert.equal(columnTypeOf({ type: ['number', 'null'] }, true), 'VARCHAR');
  });

  it('maps formats, booleans, objects, arrays, unions and untyped properties', () => {
    assert.equal(columnTypeOf({ type: 'string', format: 'date-time' }, false), 'TIMESTAMPTZ');
    assert.equal(columnTypeOf({ type: 'string', format: 'date' }, false), 'DATE');
    assert.equal(columnTypeOf({ type: 'string', format: 'time' }, false), 'TIME');
    assert.equal(columnTypeOf({ type: 'string', format: 'email' }, false), 'VARCHAR');
    assert.equal(columnTypeOf({ type: 'boolean' }, false), 'BOOLEAN');
    assert.equal(columnTypeOf({ type: 'object' }, false), 'JSON');
    assert.equal(columnTypeOf({ type: 'array' }, false), 'JSON');
    assert.equal(columnTypeOf({}, false), 'JSON');
    assert.equal(columnTypeOf({ type: ['string', 'integer'] }, false), 'JSON');
    assert.equal(
      columnTypeOf({ anyOf: [{ type: 'null' }, { type: 'string', format: 'date' }] }, false),
      'DATE',
    );
  });
});

describe('misfitOf', () => {
  it('lets through what the type holds exactly, and says why the rest would be rounded or overflow', () => {
    assert.equal(misfitOf(exact('9223372036854775807'), 'BIGINT'), undefined);
    assert.match(misfitOf(exact('9223372036854775808'), 'BIGINT') ?? '', /beyond BIGINT/);
    assert.equal(misfitOf(exact('-170141183460469231731687303715884105728'), 'HUGEINT'), undefined);
    assert.match(
      misfitOf(exact('170141183460469231731687303715884105728'), 'HUGEINT') ?? '',
      /beyond HUGEINT/,
    );
    assert.equal(misfitOf(1.5e-9, 'DECIMAL(38,9)') === undefined, false);
    assert.equal(misfitOf(1e-9, 'DECIMAL(38,9)'), undefined);
    assert.equal(misfitOf(exact('12345678901234567890123456789.123456789'), 'DECIMAL(38,9)'), undefined);
    assert.match(
      misfitOf(exact('123456789012345678901234567890.1'), 'DECIMAL(38,9)') ?? '',
      /30 integer digits; DECIMAL\(38,9\) holds 29/,
    );
    assert.equal(misfitOf(exact('1.50000000000000000000'), 'DECIMAL(3,1)'), undefined);
    assert.equal(misfitOf(exact('1e400'), 'VARCHAR'), undefined);
    assert.equal(misfitOf('text', 'BIGINT'), undefined);
  });
});

describe('stageTypeOf', () => {
  it('stages numbers exactly in their binary type, JSON as JSON text and the rest as text for DuckDB to cast', () => {
    const decimal = stageTypeOf('DECIMAL(38,9)').valueOf(
      exact('12345678901234567890.5'),
    ) as DuckDBDecimalValue;
    assert.equal(decimal.value, 12345678901234567890500000000n);
    assert.equal((stageTypeOf('DECIMAL(5,2)').valueOf(-1.5) as DuckDBDecimalValue).value, -150n);
    assert.equal(
      stageTypeOf('HUGEINT').valueOf(exact('-170141183460469231731687303715884105728')),
      -(2n ** 127n),
    );
    assert.equal(stageTypeOf('BIGINT').valueOf(42), 42n);
    assert.equal(stageTypeOf('BIGINT').sql, 'BIGINT');
    assert.equal(stageTypeOf('JSON').valueOf({ n: exact('1e400') }), '{"n":1e400}');
    assert.equal(stageTypeOf('JSON').valueOf('x'), '"x"');
    assert.equal(stageTypeOf('TIMESTAMPTZ').sql, 'VARCHAR');
    assert.equal(stageTypeOf('VARCHAR').valueOf(exact('1e400')), '1e400');
    assert.equal(stageTypeOf('VARCHAR').valueOf(['a']), '["a"]');
    assert.equal(stageTypeOf('VARCHAR').valueOf('a\u0000b'), 'a\u0000b');
  });
});

describe('widerType', () => {
  it('widens numbers, dates to timestamps, and falls back to VARCHAR, never narrowing', () => {
    assert.equal(widerType('BIGINT', 'HUGEINT'), 'HUGEINT');
    assert.equal(widerType('HUGEINT', 'BIGINT'), 'HUGEINT');
    assert.equal(widerType('DECIMAL(10,2)', 'DECIMAL(12,4)'), 'DECIMAL(12,4)');
    assert.equal(widerType('DECIMAL(38,30)', 'DECIMAL(38,0)'), 'VARCHAR');
    assert.equal(widerType('BIGINT', 'DECIMAL(10,2)'), 'DECIMAL(21,2)');
    assert.equal(widerType('DATE', 'TIMESTAMPTZ'), 'TIMESTAMPTZ');
    assert.equal(widerType('TIMESTAMPTZ', 'DATE'), 'TIMESTAMPTZ');
    assert.equal(widerType('BOOLEAN', 'BIGINT'), 'VARCHAR');
    assert.equal(widerType('JSON', 'JSON'), 'JSON');
  });
});
