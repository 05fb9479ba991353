import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ExactNumber } from '@singer-dest/sdk';
import { Client } from 'pg';
import { checkOf, integerLiteral, isTimestamp } from '../src/column-check';
import fc from 'fast-check';
import type { ColumnType } from '../src/type-mapping';
import { getTestServer } from './support/test-server';

after(async () => (await getTestServer()).stop());

const check = (type: ColumnType, sqlType?: string, kind?: Parameters<typeof checkOf>[0]['existing']) =>
  checkOf({ type, existing: kind ?? (sqlType === undefined ? undefined : { kind: type, sqlType }) });

/** Values each check must let through, and PostgreSQL must take as the SQL type named. */
const ACCEPTED: { sqlType: string; type: ColumnType; values: unknown[] }[] = [
  {
    sqlType: 'timestamptz',
    type: 'timestamptz',
    values: [
      '2019-12-18T13:19:44+00:00',
      '2019-12-18T13:19:44.123456Z',
      '2019-12-18T13:19:44.123456789+05:30',
      '2019-12-18 13:19:44-0800',
      '2019-12-18t13:19:44z',
      '2019-12-18T13:19',
      '2019-12-18T13:19:44+05',
      '2019-12-18T13:19:44+05:30:15',
      '2019-12-18T13:19:44+15:59',
      '2019-12-18',
      '2016-12-31T23:59:60Z',
      '2019-12-18T24:00:00Z',
      '2019-12-18T24:00:00.000Z',
      '2019-12-18T12:59:60.5Z',
      '2019-12-18 23:59:60',
      '2020-02-29T00:00:00Z',
      '0001-01-01T00:00:00+00:00',
      '9999-12-31T23:59:59.999999+00:00',
      'infinity',
      '-infinity',
    ],
  },
  { sqlType: 'date', type: 'date', values: ['2024-06-01', '2024-06-01T00:00:00+00:00', '2000-02-29'] },
  {
    sqlType: 'time',
    type: 'time',
    values: [
      '13:19:44',
      '13:19',
      '13:19:44.123456',
      '24:00:00',
      '10:00:00+02',
      '10:00:00Z',
      '23:59:60',
      '12:59:60.5',
    ],
  },
  {
    sqlType: 'bigint',
    type: 'bigint',
    values: [
      0,
      -1,
      2 ** 53 - 1,
      new ExactNumber('9223372036854775807'),
      new ExactNumber('-9223372036854775808'),
    ],
  },
  { sqlType: 'integer', type: 'bigint', values: [2147483647, -2147483648, 1.0] },
  { sqlType: 'smallint', type: 'bigint', values: [32767, -32768] },
  {
    sqlType: 'numeric',
    type: 'numeric',
    values: [0.1, 1e-7, 1e21, new ExactNumber('12345678901234567890.1234567890'), new ExactNumber('1e400')],
  },
  {
    sqlType: 'numeric(4,2)',
    type: 'numeric',
    values: [
      99.99,
      -99.99,
      99.994,
      0.001,
      -0.005,
      new ExactNumber('-99.99499999999999999999'),
      new ExactNumber('9.9994E1'),
      new ExactNumber('0.00000000000000000000000000000009'),
    ],
  },
  { sqlType: 'boolean', type: 'boolean', values: [true, false] },
  {
    sqlType: 'uuid',
    type: 'text',
    values: [
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
      '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
      'a0eebc999c0b4ef8bb6d6bb9bd380a11',
    ],
  },
  { sqlType: 'character varying(3)', type: 'text', values: ['abc', 'αβγ', '😀😀😀'] },
  { sqlType: 'character(3)', type: 'text', values: ['abc', 'ab  ', 'abc   '] },
];

/** Values each check must refuse (PostgreSQL would fail the whole COPY on them), with the reason given. */
const REFUSED: { sqlType: string; type: ColumnType; value: unknown; problem: RegExp }[] = [
  {
    sqlType: 'timestamptz',
    type: 'timestamptz',
    value: '2019-12-18T13:19:44+00:00+00:00',
    problem: /^is not a valid date-time$/,
  },
  { sqlType: 'timestamptz', type: 'timestamptz', value: '2019-02-29T00:00:00Z', problem: /valid date-time/ },
  { sqlType: 'timestamptz', type: 'timestamptz', value: '2019-12-18T25:00:00Z', problem: /valid date-time/ },
  {
    sqlType: 'timestamptz',
    type: 'timestamptz',
    value: '2019-12-18T13:19:44+16:00',
    problem: /valid date-time/,
  },
  { sqlType: 'timestamptz', type: 'timestamptz', value: '0000-01-01T00:00:00Z', problem: /valid date-time/ },
  { sqlType: 'timestamptz', type: 'timestamptz', value: '2019-13-01T00:00:00Z', problem: /valid date-time/ },
  {
    sqlType: 'timestamptz',
    type: 'timestamptz',
    value: 1576675184,
    problem: /^is a number, not a date-time string$/,
  },
  { sqlType: 'date', type: 'date', value: '2024-02-30', problem: /^is not a valid date$/ },
  { sqlType: 'time', type: 'time', value: '25:00:00', problem: /^is not a valid time$/ },
  // The end of the day (24:00:00, or 23:59:60) is as far as a clock goes: no fraction after it.
  { sqlType: 'time', type: 'time', value: '24:00:00.5', problem: /^is not a valid time$/ },
  { sqlType: 'time', type: 'time', value: '23:59:60.5', problem: /^is not a valid time$/ },
  {
    sqlType: 'timestamptz',
    type: 'timestamptz',
    value: '2024-12-01T23:59:60.5Z',
    problem: /valid date-time/,
  },
  {
    sqlType: 'timestamptz',
    type: 'timestamptz',
    value: '2024-12-01T23:59:60.000001+05:00',
    problem: /valid date-time/,
  },
  { sqlType: 'timestamptz', type: 'timestamptz', value: '2024-12-01 24:00:00.5', problem: /valid date-time/ },
  {
    sqlType: 'timestamptz',
    type: 'timestamptz',
    value: '2024-12-01t23:59:60.5z',
    problem: /valid date-time/,
  },
  { sqlType: 'date', type: 'date', value: '2024-12-01T23:59:60.5Z', problem: /^is not a valid date$/ },
  { sqlType: 'bigint', type: 'bigint', value: 'four', problem: /^is a string, not an integer$/ },
  { sqlType: 'bigint', type: 'bigint', value: 1.5, problem: /^is not an integer$/ },
  { sqlType: 'bigint', type: 'bigint', value: true, problem: /^is a boolean, not an integer$/ },
  {
    sqlType: 'integer',
    type: 'bigint',
    value: 2147483648,
    problem: /outside the range of the table's integer column/,
  },
  {
    sqlType: 'smallint',
    type: 'bigint',
    value: -32769,
    problem: /outside the range of the table's smallint column/,
  },
  { sqlType: 'numeric', type: 'numeric', value: '1.5', problem: /^is a string, not a number$/ },
  {
    sqlType: 'numeric',
    type: 'numeric',
    value: new ExactNumber('1e200000'),
    problem: /more digits than PostgreSQL numeric holds/,
  },
  {
    sqlType: 'numeric(4,2)',
    type: 'numeric',
    value: 99.995,
    problem: /does not fit the table's numeric\(4,2\) column/,
  },
  { sqlType: 'numeric(4,2)', type: 'numeric', value: 100, problem: /at most 2 digits before the point/ },
  {
    sqlType: 'numeric(4,2)',
    type: 'numeric',
    value: new ExactNumber('-9.9995e1'),
    problem: /at most 2 digits before the point/,
  },
  {
    sqlType: 'numeric(4,2)',
    type: 'numeric',
    value: new ExactNumber('99.99500000000000000000001'),
    problem: /at most 2 digits before the point/,
  },
  // Counted, not spelt out: a billion digits would not fit in a string.
  {
    sqlType: 'bigint',
    type: 'bigint',
    value: new ExactNumber('1e999999999'),
    problem: /more digits than PostgreSQL numeric holds/,
  },
  { sqlType: 'boolean', type: 'boolean', value: 'true', problem: /^is a string, not a boolean$/ },
  { sqlType: 'uuid', type: 'text', value: 'not-a-uuid', problem: /^is not a valid uuid$/ },
  {
    sqlType: 'character varying(3)',
    type: 'text',
    value: 'abcd',
    problem: /has 4 characters, more than the table's character varying\(3\)/,
  },
  { sqlType: 'character(3)', type: 'text', value: 'ab c', problem: /has 4 characters/ },
];

function checkFor(sqlType: string, type: ColumnType) {
  if (sqlType === 'uuid') return check(type, undefined, { kind: 'other', sqlType });
  if (/^(character|numeric\(|integer|smallint)/.test(sqlType)) {
    const kind = type === 'text' ? 'text' : type;
    return check(type, undefined, { kind, sqlType });
  }
  return check(type);
}

const wrongType = /, not an? /;

/** Stores a value's text in a column of the type, as COPY would (an assignment: varchar(n) does not truncate). */
async function store(client: Client, sqlType: string, text: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`CREATE TEMP TABLE probe (v ${sqlType}) ON COMMIT DROP`);
    await client.query(`INSERT INTO probe VALUES (${client.escapeLiteral(text)})`);
  } finally {
    await client.query('ROLLBACK');
  }
}

describe('column checks', () => {
  it('let through every value PostgreSQL takes in the column, and PostgreSQL does take each', async () => {
    const server = await getTestServer();
    const client = new Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query("SET TimeZone = 'UTC'");
      for (const { sqlType, type, values } of ACCEPTED) {
        const test = checkFor(sqlType, type)!;
        for (const value of values) {
          assert.equal(test(value), undefined, `${sqlType} ${String(value)}`);
          await store(client, sqlType, String(value)); // throws if PostgreSQL refuses it
        }
      }
    } finally {
      await client.end();
    }
  });

  it('refuse a value the column cannot hold, saying why, and PostgreSQL refuses each too', async () => {
    const server = await getTestServer();
    const client = new Client({ connectionString: server.url });
    await client.connect();
    try {
      for (const { sqlType, type, value, problem } of REFUSED) {
        const test = checkFor(sqlType, type)!;
        assert.match(test(value) ?? 'accepted', problem, `${sqlType} ${String(value)}`);
        // A value of the wrong JSON type is refused even where PostgreSQL would parse its text ('true', '1.5').
        if (wrongType.test(problem.source)) continue;
        await assert.rejects(store(client, sqlType, String(value)), `${sqlType} ${String(value)}`);
      }
    } finally {
      await client.end();
    }
  });

  it('leave text and jsonb columns alone (they take any value)', () => {
    assert.equal(check('text'), undefined);
    assert.equal(check('jsonb'), undefined);
    assert.equal(check('text', 'text'), undefined);
  });

  it('read an integer written with a fraction or exponent as its plain digits', () => {
    assert.equal(integerLiteral(7), '7');
    assert.equal(integerLiteral(new ExactNumber('12345678901234567890.0')), '12345678901234567890');
    assert.equal(integerLiteral(new ExactNumber('1.2345678901234567890e19')), '12345678901234567890');
    assert.equal(integerLiteral(new ExactNumber('-1E3')), '-1000');
    assert.equal(integerLiteral(new ExactNumber('0.0')), '0');
    assert.equal(integerLiteral(1e21), '1000000000000000000000');
    assert.equal(integerLiteral(1.5), undefined);
    assert.equal(integerLiteral(new ExactNumber('1.00000000000000000001')), undefined);
  });

  it('read date-times of the common shape as PostgreSQL does, around every field limit (random, PostgreSQL the oracle)', async () => {
    // Mostly valid fields, each also at and past its limits, so both verdicts are sampled often.
    const field = (valid: string[], edges: string[]) =>
      fc.oneof(
        { arbitrary: fc.constantFrom(...valid), weight: 6 },
        { arbitrary: fc.constantFrom(...edges), weight: 1 },
      );
    const year = field(['0001', '1900', '1970', '2000', '2024', '9999'], ['0000', '20x4']);
    const month = field(['01', '02', '06', '09', '10', '12'], ['00', '13', '1a']);
    const day = field(['01', '09', '15', '28', '29', '30', '31'], ['00', '32', '3 ']);
    const hour = field(['00', '09', '12', '23', '24'], ['25', '99', 'a1']);
    const minute = field(['00', '01', '30', '59'], ['60', '99']);
    const second = field(['00', '01', '30', '59', '60'], ['61', '99']);
    const fraction = field(['', '.0', '.000000', '.5', '.123456', '.123456789'], ['.', '.00a']);
    const zone = fc.oneof(
      { arbitrary: fc.constantFrom('Z', '+00:00', '-08:00', '+05:30', '+15:59', '-15:59'), weight: 6 },
      {
        arbitrary: fc.constantFrom('z', '', '+16:00', '-12:60', '+05', '+0530', '+05:3', '+05:30:00', 'UTC'),
        weight: 1,
      },
    );
    const separator = field(['T'], ['t', ' ', 'X']);
    const shape = fc
      .tuple(year, month, day, separator, hour, minute, second, fraction, zone)
      .map(([y, mo, d, sep, h, mi, se, f, z]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${se}${f}${z}`);
    const texts = fc.sample(shape, { numRuns: 1500, seed: 12 });
    const server = await getTestServer();
    const client = new Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query("SET TimeZone = 'UTC'");
      await client.query(`CREATE OR REPLACE FUNCTION pg_temp.takes_timestamptz(t text) RETURNS boolean AS $$
        BEGIN PERFORM t::timestamptz; RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$ LANGUAGE plpgsql`);
      const { rows } = await client.query<{ t: string; ok: boolean }>(
        'SELECT t, pg_temp.takes_timestamptz(t) AS ok FROM unnest($1::text[]) AS t',
        [texts],
      );
      // Nothing the check takes may be refused by PostgreSQL (else the COPY of a whole batch would fail)...
      const refusedByPostgres = rows.filter(({ t, ok }) => isTimestamp(t) && !ok).map(({ t }) => t);
      assert.deepEqual(refusedByPostgres, []);
      // ...and in the shape taps write, the check says what PostgreSQL says. (PostgreSQL reads far more than
      // ISO 8601, e.g. '09:a1:30' or 'UTC' as zones; the check refuses those on purpose.)
      const disagree = rows
        .filter(({ t, ok }) => isTimestamp(t) !== ok)
        .map(({ t, ok }) => `${t} (PostgreSQL: ${ok})`);
      const commonShape = disagree.filter((t) =>
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d) /.test(t),
      );
      assert.deepEqual(commonShape, []);
      assert.ok(
        rows.filter((r) => r.ok).length > 100,
        `only ${rows.filter((r) => r.ok).length} valid date-times sampled; disagreements: ${disagree.slice(0, 20).join(', ')}`,
      );
    } finally {
      await client.end();
    }
  });

  it('reads the malformed _sdc_deleted_at tap-mysql wrote as not a date-time', () => {
    assert.equal(isTimestamp('2019-12-18T13:19:44+00:00+00:00'), false);
    assert.equal(isTimestamp('2019-12-18T13:19:44+00:00'), true);
  });
});
