import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExactNumber, normalizeSchema, type JsonSchema } from '@singer-dest/sdk';
import { columnTypeOf as typeOfProperty, misfitOf, widerType } from '../src/column-types';
import { csvRows } from '../src/csv-rows';

const exact = (text: string) => new ExactNumber(text);
const asEncoder = (e: ReturnType<typeof csvRows>) => (typeof e === 'function' ? { encode: e } : e);
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

describe('csvRows', () => {
  const tools = { stream: 's', warn: () => undefined };
  const meta = (line: number) => ({
    message: { type: 'RECORD', stream: 's', record: {} },
    line,
    receivedAt: Date.UTC(2024, 0, 1),
    batchedAt: Date.UTC(2024, 0, 2),
  });
  const column = (name: string, type: string) => ({ name, type, property: name, sdc: false });

  it('writes each value exactly as a CSV field (numbers as written), then the place and the key-only flag', () => {
    const rows = asEncoder(
      csvRows(
        {
          columns: [
            column('n', 'DECIMAL(38,9)'),
            column('big', 'HUGEINT'),
            column('t', 'VARCHAR'),
            column('j', 'JSON'),
            column('at', 'TIMESTAMPTZ'),
            column('b', 'BOOLEAN'),
            { name: '_sdc_sequence', type: 'BIGINT', property: '_sdc_sequence', sdc: true },
          ],
          keyOnlyOf: ['big'],
          runStartedAtUs: 1_000_000,
        },
        tools,
      ),
    );
    const record = {
      n: 1.5e-7,
      big: exact('1E+30'),
      t: 'say "hi",\nbye',
      j: { n: exact('1e400'), s: 'x' },
      at: '2024-01-01t10:00:00z',
      b: false,
    };
    assert.equal(
      rows.encode(record, meta(7)),
      '1.5e-7,1E+30,"say ""hi"",\nbye","{""n"":1e400,""s"":""x""}",' +
        '"2024-01-01T10:00:00Z",false,1000007,7,false\n',
    );
    assert.equal(rows.encode({ t: '', j: null }, meta(8)), ',,"",,,,1000008,8,false\n');
    assert.equal(rows.encode({ big: 1 }, meta(9)), ',1,,,,,1000009,9,false\n');
    const keyOnly = { big: 1, _sdc_deleted_at: '2024-06-01T00:00:00Z' };
    assert.equal(rows.encode(keyOnly, meta(10)), ',1,,,,,1000010,10,true\n');
    assert.equal(rows.takeNotes?.(), undefined);
  });

  it('notes a column whose type holds not every value, with the type that holds them all and the first place', () => {
    const rows = asEncoder(
      csvRows(
        {
          columns: [column('n', 'DECIMAL(10,2)'), column('i', 'BIGINT')],
          keyOnlyOf: undefined,
          runStartedAtUs: 0,
        },
        tools,
      ),
    );
    assert.equal(rows.encode({ n: exact('0.1234567890123'), i: 1 }, meta(3)), '0.1234567890123,1,3\n');
    rows.encode({ n: exact('123456789012345678901234.5'), i: exact('99999999999999999999') }, meta(4));
    assert.deepEqual(rows.takeNotes?.(), {
      widened: {
        n: {
          type: 'DECIMAL(37,13)',
          line: 3,
          reason: '0.1234567890123 has 13 decimals; DECIMAL(10,2) keeps 2 and would round it',
        },
        i: {
          type: 'HUGEINT',
          line: 4,
          reason:
            '99999999999999999999 is beyond BIGINT; give the property a maximum/minimum in the schema (HUGEINT to 2^127)',
        },
      },
      longestRow: 0,
    });
    assert.equal(rows.takeNotes?.(), undefined);
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
