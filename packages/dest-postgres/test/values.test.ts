import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { InputError } from '@singer-dest/sdk';
import { getTestServer, createTestSchema } from './support/test-server';
import { load, NO_METADATA, record, schema, state } from './support/run';

after(async () => (await getTestServer()).stop());

describe('values', () => {
  it('stores big integers and long decimals digit for digit, in columns and in jsonb', async () => {
    const db = await createTestSchema('bignum');
    try {
      const result = await load(
        db,
        [
          JSON.stringify(
            schema(
              't',
              {
                id: { type: 'integer' },
                amount: { type: 'number' },
                huge: { type: 'integer', maximum: 1e40 },
                doc: { type: 'object' },
              },
              ['id'],
            ),
          ),
          '{"type":"RECORD","stream":"t","record":{"id":9007199254740993,"amount":0.1000000000000000055511151231257827,"huge":123456789012345678901234567890,"doc":{"n":18446744073709551617,"d":1.00000000000000000001}}}',
          '{"type":"RECORD","stream":"t","record":{"id":1,"amount":-12345678901234567890.5,"huge":-1,"doc":{"n":1}}}',
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(
        await db.query(
          `SELECT id::text, amount::text, huge::text, doc::text FROM "${db.schema}".t ORDER BY id`,
        ),
        [
          { id: '1', amount: '-12345678901234567890.5', huge: '-1', doc: '{"n": 1}' },
          {
            id: '9007199254740993',
            amount: '0.1000000000000000055511151231257827',
            huge: '123456789012345678901234567890',
            doc: '{"d": 1.00000000000000000001, "n": 18446744073709551617}',
          },
        ],
      );
    } finally {
      await db.drop();
    }
  });

  it('reads date-times without a zone as UTC and converts offsets to UTC; dates and times stay as sent', async () => {
    const db = await createTestSchema('time');
    try {
      const result = await load(
        db,
        [
          schema(
            't',
            {
              id: { type: 'integer' },
              at: { type: ['string', 'null'], format: 'date-time' },
              day: { type: 'string', format: 'date' },
              clock: { type: 'string', format: 'time' },
            },
            ['id'],
          ),
          record('t', { id: 1, at: '2024-03-01T10:00:00', day: '2024-02-29', clock: '23:59:59.999999' }),
          record('t', { id: 2, at: '2024-03-01T10:00:00+02:00', day: '1999-12-31', clock: '00:00:00' }),
          record('t', { id: 3, at: '2024-03-01T10:00:00.123456Z', day: '2024-01-01', clock: '12:00:00' }),
          record('t', { id: 4, at: '2024-03-01T01:30:00-05:30', day: '2024-01-01', clock: '12:00:00' }),
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      const rows = await db.query(
        `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at, day::text, clock::text FROM "${db.schema}".t ORDER BY id`,
      );
      assert.deepEqual(rows, [
        { at: '2024-03-01T10:00:00.000000', day: '2024-02-29', clock: '23:59:59.999999' },
        { at: '2024-03-01T08:00:00.000000', day: '1999-12-31', clock: '00:00:00' },
        { at: '2024-03-01T10:00:00.123456', day: '2024-01-01', clock: '12:00:00' },
        { at: '2024-03-01T07:00:00.000000', day: '2024-01-01', clock: '12:00:00' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('keeps text exactly: backslashes, tabs, newlines, quotes, a literal \\N, unicode and emoji', async () => {
    const db = await createTestSchema('text');
    const texts = [
      'a\\b',
      'tab\there',
      'line\nbreak\r\n',
      'quote " \' ;',
      '\\N',
      '',
      'ünïcödé 简单 🎉',
      '\u0001\u007f',
    ];
    try {
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' }, s: { type: 'string' }, j: { type: 'array' } }, ['id']),
          ...texts.map((s, id) => record('t', { id, s, j: [s] })),
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      const rows = await db.query<{ s: string; j: string[] }>(
        `SELECT s, j FROM "${db.schema}".t ORDER BY id`,
      );
      assert.deepEqual(
        rows.map((r) => r.s),
        texts,
      );
      assert.deepEqual(
        rows.map((r) => r.j[0]),
        texts,
      );
    } finally {
      await db.drop();
    }
  });

  it('stores booleans, nulls and missing properties', async () => {
    const db = await createTestSchema('bool');
    try {
      const result = await load(
        db,
        [
          schema(
            't',
            { id: { type: 'integer' }, b: { type: ['boolean', 'null'] }, o: { type: ['string', 'null'] } },
            ['id'],
          ),
          record('t', { id: 1, b: true, o: 'x' }),
          record('t', { id: 2, b: false, o: null }),
          record('t', { id: 3 }),
        ],
        NO_METADATA,
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await db.query(`SELECT id::int, b, o FROM "${db.schema}".t ORDER BY id`), [
        { id: 1, b: true, o: 'x' },
        { id: 2, b: false, o: null },
        { id: 3, b: null, o: null },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('rejects a record holding a NUL character as it is read, naming its line, and writes nothing', async () => {
    const db = await createTestSchema('nul');
    try {
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' }, s: { type: 'string' } }, ['id']),
          record('t', { id: 1, s: 'fine' }),
          state('one'),
          record('t', { id: 2, s: 'bad\u0000byte' }),
          state('two'),
        ],
        NO_METADATA,
      );
      assert.ok(result.error instanceof InputError);
      assert.equal(result.error.code, 'ERR_RECORD_REJECTED');
      assert.equal(result.error.line, 4);
      assert.equal(
        result.error.message,
        'stdin line 4: RECORD for stream "t" was rejected by the destination: property "s" contains a NUL character ' +
          '(U+0000), which PostgreSQL cannot store in text or jsonb. Remove it in the tap, or set ' +
          'sanitize_null_text_characters to true to replace it with U+FFFD. Fix the tap, or set invalid_record_policy ' +
          'to "skip" or "dead_letter" to load the other records.',
      );
      assert.deepEqual(result.states, []);
      assert.deepEqual(await db.query(`SELECT id FROM "${db.schema}".t`), []);
    } finally {
      await db.drop();
    }
  });

  it('skips a record holding a NUL character with invalid_record_policy skip, and loads the others', async () => {
    const db = await createTestSchema('nulskip');
    try {
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' }, s: { type: 'string' } }, ['id']),
          record('t', { id: 1, s: 'fine' }),
          record('t', { id: 2, s: 'bad\u0000byte' }),
          record('t', { id: 3, s: 'fine too' }),
          state('three'),
        ],
        NO_METADATA,
        { invalidRecordPolicy: 'skip' },
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(result.states, ['three']);
      assert.deepEqual(await db.query(`SELECT id::int, s FROM "${db.schema}".t ORDER BY id`), [
        { id: 1, s: 'fine' },
        { id: 3, s: 'fine too' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('replaces NUL characters with U+FFFD in text and jsonb when sanitize_null_text_characters is on', async () => {
    const db = await createTestSchema('nulfix');
    try {
      const result = await load(
        db,
        [
          schema('t', { id: { type: 'integer' }, s: { type: 'string' }, o: { type: 'object' } }, ['id']),
          record('t', { id: 1, s: 'a\u0000b', o: { 'k\u0000': ['\u0000'] } }),
        ],
        { ...NO_METADATA, sanitize_null_text_characters: true },
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(await db.query(`SELECT s, o FROM "${db.schema}".t`), [
        { s: 'a\uFFFDb', o: { 'k\uFFFD': ['\uFFFD'] } },
      ]);
    } finally {
      await db.drop();
    }
  });
});
