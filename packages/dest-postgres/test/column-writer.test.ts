import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExactNumber } from '@singer-dest/sdk';
import fc from 'fast-check';
import { checkOf, integerLiteral } from '../src/column-check';
import { fastWriterOf, type WrittenColumn } from '../src/column-writer';
import {
  copyJsonOf,
  copyTextOf,
  encodeJsonValue,
  encodePlainValue,
  escapeCopyText,
  type NulPolicy,
} from '../src/copy-encoder';
import type { ColumnKind, ColumnType } from '../src/type-mapping';

class NulFound extends Error {}
const strict: NulPolicy = {
  sanitize: false,
  onNul: () => {
    throw new NulFound('NUL');
  },
};

/** COPY text escaping as its specification says it (the oracle for the one-pass escape). */
const specEscape = (text: string) =>
  text.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);

/**
 * What the full path writes for a value (see StreamEncoder): the check's problem, or the integer's plain digits,
 * or text/JSON under a NUL policy that refuses.
 */
function fullPath(column: WrittenColumn, value: unknown): { text: string } | { refused: string } {
  const problem = column.checked ? checkOf(column)?.(value) : undefined;
  if (problem !== undefined) return { refused: problem };
  const kind = column.existing?.kind ?? column.type;
  const unsafe = typeof value === 'number' ? !Number.isSafeInteger(value) : value instanceof ExactNumber;
  if (kind === 'bigint' && unsafe) return { text: integerLiteral(value as number | ExactNumber)! };
  try {
    return { text: column.json ? encodeJsonValue(value, strict) : encodePlainValue(value, strict) };
  } catch (error) {
    if (error instanceof NulFound) return { refused: 'NUL' };
    throw error;
  }
}

const column = (
  type: ColumnType,
  existing?: { kind: ColumnKind; sqlType: string },
  options: { checked?: boolean } = {},
): WrittenColumn => ({
  type,
  existing,
  json: (existing?.kind ?? type) === 'jsonb',
  checked: options.checked ?? checkOf({ type, existing }) !== undefined,
});

const exact = (text: string) => new ExactNumber(text);
const OTHER_TYPES: unknown[] = ['', 'x', true, false, {}, [], { a: 1 }, [1, 'b'], 0, 1.5];

/** Columns and the values around every test their fast writer makes. */
const CASES: { name: string; column: WrittenColumn; values: unknown[] }[] = [
  {
    name: 'bigint',
    column: column('bigint'),
    values: [
      0,
      -0,
      1,
      -1,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 53,
      -(2 ** 53),
      2 ** 53 + 2,
      1e21,
      -1e21,
      1.5,
      1e-7,
      exact('9223372036854775807'),
      exact('9223372036854775808'),
      exact('-9223372036854775809'),
      exact('12345678901234567890.0'),
      exact('1.5e1'),
      exact('1.00000000000000000001'),
      '1',
      ...OTHER_TYPES,
    ],
  },
  {
    name: 'integer (int4 of another tool)',
    column: column('bigint', { kind: 'bigint', sqlType: 'integer' }),
    values: [2147483647, 2147483648, -2147483648, -2147483649, 0, -0, 2 ** 53, exact('2147483647.0')],
  },
  {
    name: 'smallint',
    column: column('bigint', { kind: 'bigint', sqlType: 'smallint' }),
    values: [32767, 32768, -32768, -32769, 7],
  },
  {
    name: 'numeric',
    column: column('numeric'),
    values: [
      0,
      -0,
      0.1,
      1e-7,
      1e21,
      5e-324,
      1.7976931348623157e308,
      -425.216,
      exact('12345678901234567890.1234567890'),
      exact('1e400'),
      exact('1E5'),
      exact('-0.00000000000000000001'),
      exact('1'.repeat(16383)),
      exact('1'.repeat(16384)),
      exact(`0.${'1'.repeat(16383)}`),
      exact(`0.${'1'.repeat(16384)}`),
      exact(`-${'9'.repeat(16382)}`),
      '1.5',
      ...OTHER_TYPES,
    ],
  },
  {
    name: 'numeric(4,2)',
    column: column('numeric', { kind: 'numeric', sqlType: 'numeric(4,2)' }),
    values: [99.99, 99.995, 100, 0.001, exact('12.345')],
  },
  { name: 'boolean', column: column('boolean'), values: [true, false, 'true', 0, 1, null] },
  {
    name: 'timestamptz',
    column: column('timestamptz'),
    values: [
      '2019-12-18T13:19:44+00:00',
      '2019-12-18T13:19:44.123456Z',
      '2019-12-18 13:19:44-0800',
      '2019-12-18t13:19:44z',
      '2019-12-18T13:19:44+05:30:15',
      '2019-12-18',
      '2016-12-31T23:59:60Z',
      '2019-12-18T24:00:00Z',
      '2019-12-18T24:00:00.5Z',
      '0001-01-01T00:00:00+00:00',
      'infinity',
      '-infinity',
      '2019-12-18T13:19:44+00:00+00:00',
      '2019-02-29T00:00:00Z',
      '2019-12-18T13:19:44+16:00',
      '0000-01-01T00:00:00Z',
      '2019-12-18\t13:19:44Z',
      '2019-12-18T13:19:44\\Z',
      '2019-12-18T13:19:44Z\n',
      1576675184,
      ...OTHER_TYPES,
    ],
  },
  {
    name: 'timestamp (without zone, of another tool)',
    column: column('timestamptz', { kind: 'timestamp', sqlType: 'timestamp without time zone' }),
    values: ['2019-12-18T13:19:44', '2019-12-18T13:19:44+02:00', 'nope'],
  },
  {
    name: 'date',
    column: column('date'),
    values: ['2024-06-01', '2024-06-01T00:00:00+00:00', '2000-02-29', '2024-02-30', '2024-06-01\n', 20240601],
  },
  {
    name: 'time',
    column: column('time'),
    values: ['13:19:44', '13:19', '24:00:00', '10:00:00+02', '23:59:60', '25:00:00', '13:19:44\t', 1319],
  },
  {
    name: 'uuid',
    column: column('text', { kind: 'other', sqlType: 'uuid' }),
    values: [
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
      'A0EEBC999C0B4EF8BB6D6BB9BD380A11',
      'not-a-uuid',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1\\',
      7,
    ],
  },
  {
    name: 'text',
    column: column('text'),
    values: [
      'a\\b\tc\nd\re',
      '\\N',
      'ünï "q" ; 🎉',
      '\u2028',
      'a\u0000b',
      '\u0000',
      'plain',
      2 ** 53,
      1e21,
      exact('18446744073709551617'),
      { v: exact('1.10'), s: 'a\nb' },
      ...OTHER_TYPES,
    ],
  },
  {
    name: 'varchar(3)',
    column: column('text', { kind: 'text', sqlType: 'character varying(3)' }),
    values: ['abc', 'abcd', 'αβγ', '😀😀😀', '😀😀😀😀', 'a\tb', 'a\u0000', 'a\\b\\', 12, 1234],
  },
  {
    name: 'char(3)',
    column: column('text', { kind: 'text', sqlType: 'character(3)' }),
    values: ['abc', 'abc   ', 'ab c', 'a\n'],
  },
  {
    name: 'jsonb',
    column: column('jsonb'),
    values: [
      { q: 'a"b', p: 'c\\d', t: 'tab\there', n: 'line\nbreak' },
      { k: '\\u0000' },
      { k: ['\u0000'] },
      { 'k\u0000': 1 },
      { big: exact('18446744073709551617'), d: exact('0.10') },
      ['x', null, 1.5, true, { deep: [{ deeper: 'é😀' }] }],
      'a\tb',
      'back\\slash',
      5,
      exact('1e400'),
      true,
      {},
      [],
    ],
  },
  {
    name: 'bigint without checks (the input line, _sdc_sequence)',
    column: column('bigint', undefined, { checked: false }),
    values: [1, 1_700_000_000_000_000, 2 ** 53, 1.5, exact('18446744073709551617'), 'x', true],
  },
  {
    name: 'timestamptz without checks (_sdc_received_at)',
    column: column('timestamptz', undefined, { checked: false }),
    values: ['2026-12-01T10:35:21.000Z', 'a\tb', 'a\u0000'],
  },
];

describe('column fast writers', () => {
  for (const { name, column: written, values } of CASES) {
    it(`${name}: write exactly what the full path writes, or leave the value to it`, () => {
      const write = fastWriterOf(written);
      let fast = 0;
      for (const value of values) {
        const text = write(value);
        if (text === undefined) continue;
        fast++;
        assert.deepEqual({ text }, fullPath(written, value), `${name} ${JSON.stringify(value) ?? value}`);
      }
      assert.ok(fast > 0 || name === 'numeric(4,2)', `${name}: no value took the fast path`);
    });
  }

  it('take the fast path for the values taps send most', () => {
    assert.equal(fastWriterOf(column('bigint'))(42), '42');
    assert.equal(fastWriterOf(column('numeric'))(425.216), '425.216');
    assert.equal(
      fastWriterOf(column('numeric'))(exact('12345678901234567890.1234567890')),
      '12345678901234567890.1234567890',
    );
    assert.equal(fastWriterOf(column('timestamptz'))('2024-01-01T00:00:08.714Z'), '2024-01-01T00:00:08.714Z');
    assert.equal(
      fastWriterOf(column('text'))("O'Brien — Back\\slash and a tab\there"),
      "O'Brien — Back\\\\slash and a tab\\there",
    );
    assert.equal(fastWriterOf(column('jsonb'))({ path: '/søk?q="bær"' }), '{"path":"/søk?q=\\\\"bær\\\\""}');
  });

  it('leave every value the column check refuses, and every NUL character, to the full path', () => {
    for (const { name, column: written, values } of CASES) {
      const write = fastWriterOf(written);
      for (const value of values) {
        const full = fullPath(written, value);
        if ('refused' in full)
          assert.equal(write(value), undefined, `${name} ${JSON.stringify(value) ?? value}`);
      }
    }
  });
});

describe('COPY escapes of the fast path', () => {
  const tricky = fc.constantFrom(
    '\\',
    '\t',
    '\n',
    '\r',
    '\u0000',
    '"',
    "'",
    'é',
    '😀',
    '\u2028',
    'N',
    'a',
    ' ',
  );
  const text = fc
    .array(fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 12 })
    .map((parts) => parts.join(''));

  it('copyTextOf escapes as the specification says, and declines any text holding a NUL', () => {
    fc.assert(
      fc.property(text, (value) => {
        const fast = copyTextOf(value);
        if (value.includes('\u0000')) assert.equal(fast, undefined);
        else assert.equal(fast, specEscape(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('escapeCopyText escapes as the specification says, NUL characters left as they are', () => {
    fc.assert(
      fc.property(text, (value) => assert.equal(escapeCopyText(value), specEscape(value))),
      { numRuns: 2000 },
    );
  });

  it('copyJsonOf writes what encodeJsonValue writes, and declines JSON that may hold a NUL', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(text, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const fast = copyJsonOf(value);
        let reference: string | undefined;
        try {
          reference = encodeJsonValue(value, strict);
        } catch (error) {
          if (!(error instanceof NulFound)) throw error;
        }
        if (fast !== undefined) assert.equal(fast, reference);
        else assert.ok(JSON.stringify(value).includes('\\u0000'));
      }),
      { numRuns: 2000 },
    );
  });
});
