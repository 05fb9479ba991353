import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { HandlerError, InputError, SDC_COLUMNS, runDestination } from '@singer-dest/sdk';
import {
  runTestDestination,
  createMemoryLogger,
  resolveDestination,
  validateConfig,
} from '@singer-dest/sdk/testing';
import { CsvDestination, CsvError } from '../src/index';
import { configOf, readCsv, record, schema, state, tempDir } from './support/csv';

const users = schema('users', { id: { type: 'integer' }, name: { type: ['string', 'null'] } }, ['id']);

async function run(messages: (object | string)[], raw: Record<string, unknown> = {}, dir = tempDir()) {
  const { config, settings } = validateConfig(resolveDestination(CsvDestination), {
    output_path: dir,
    ...raw,
  });
  const result = await runTestDestination(CsvDestination, { messages, config, settings });
  return { ...result, dir };
}

describe('CsvDestination', () => {
  it('writes one CSV per stream with the schema properties as header, in schema order', async () => {
    const { dir, error, states } = await run([
      schema('b_stream', { z: { type: 'string' }, a: { type: 'string' } }),
      users,
      record('users', { name: 'Ann', id: 1 }),
      record('b_stream', { a: 'first', z: 'last' }),
      state({ done: true }),
    ]);
    assert.equal(error, undefined);
    assert.deepEqual(readdirSync(dir).sort(), ['b_stream.csv', 'users.csv']);
    assert.deepEqual(readCsv(join(dir, 'users.csv')), [
      ['id', 'name'],
      ['1', 'Ann'],
    ]);
    assert.deepEqual(readCsv(join(dir, 'b_stream.csv')), [
      ['z', 'a'],
      ['last', 'first'],
    ]);
    assert.deepEqual(states, [{ done: true }]);
  });

  it("names the file after the table setting (Mage's destination table) and refuses a second stream then", async () => {
    const { dir, error } = await run([users, record('users', { id: 1, name: 'Ann' })], {
      table: 'dim_users',
    });
    assert.equal(error, undefined);
    assert.deepEqual(readdirSync(dir), ['dim_users.csv']);
    const second = await run([users, schema('orders', { id: { type: 'integer' } })], { table: 'dim_users' });
    assert.ok(second.error instanceof HandlerError);
    assert.ok(second.error.cause instanceof InputError);
    assert.equal(second.error.cause.code, 'ERR_TABLE_FOR_ONE_STREAM');
    assert.deepEqual([second.error.cause.line, second.error.cause.stream], [2, 'orders']);
    assert.equal(
      second.error.cause.message,
      'The table setting ("dim_users") names the file of one stream, but the input holds stream ' +
        '"orders" after "users". Load one stream per run (as Mage does), or unset table.',
    );
  });

  it('writes RFC 4180 text with CRLF line ends by default', async () => {
    const { dir } = await run([users, record('users', { id: 1, name: 'a "quoted", name' })]);
    assert.equal(readFileSync(join(dir, 'users.csv'), 'utf8'), 'id,name\r\n1,"a ""quoted"", name"\r\n');
  });

  it('keeps null and the empty string apart: an empty field and ""', async () => {
    const { dir } = await run([
      users,
      record('users', { id: 1, name: null }),
      record('users', { id: 2, name: '' }),
      record('users', { id: 3 }),
    ]);
    assert.equal(readFileSync(join(dir, 'users.csv'), 'utf8'), 'id,name\r\n1,\r\n2,""\r\n3,\r\n');
    assert.deepEqual(readCsv(join(dir, 'users.csv')).slice(1), [
      ['1', null],
      ['2', ''],
      ['3', null],
    ]);
  });

  it('writes big integers and long decimals digit for digit, booleans as true/false, objects as JSON', async () => {
    const line = (id: string, amount: string) =>
      `{"type":"RECORD","stream":"n","record":{"id":${id},"amount":${amount},"ok":true,"doc":{"v":${amount},"l":[1,2.50]}}}`;
    const { dir, error } = await run([
      schema('n', { id: { type: 'integer' }, amount: { type: 'number' }, ok: { type: 'boolean' }, doc: {} }),
      line('123456789012345678901234567890', '0.1000000000000000000000000001'),
      line('-9007199254740993', '12345678901234567890.123456789'),
      line('7', '-1.5'),
    ]);
    assert.equal(error, undefined);
    assert.deepEqual(readCsv(join(dir, 'n.csv')), [
      ['id', 'amount', 'ok', 'doc'],
      [
        '123456789012345678901234567890',
        '0.1000000000000000000000000001',
        'true',
        '{"v":0.1000000000000000000000000001,"l":[1,2.5]}',
      ],
      [
        '-9007199254740993',
        '12345678901234567890.123456789',
        'true',
        '{"v":12345678901234567890.123456789,"l":[1,2.5]}',
      ],
      ['7', '-1.5', 'true', '{"v":-1.5,"l":[1,2.5]}'],
    ]);
  });

  it('keeps quotes, delimiters, line breaks, unicode, NUL and leading spaces exactly', async () => {
    const texts = [
      'say "hi"',
      'a,b',
      'two\nlines',
      'cr\r\nlf',
      'ünï 漢字 🎉',
      'nul\0here',
      '  padded  ',
      '\\',
      "'",
    ];
    const { dir } = await run([users, ...texts.map((name, i) => record('users', { id: i, name }))]);
    assert.deepEqual(
      readCsv(join(dir, 'users.csv')).slice(1),
      texts.map((name, i) => [String(i), name]),
    );
  });

  it('emits each state only once the rows before it are in the file', async () => {
    const dir = tempDir();
    const rowsWhenEmitted: [string, number][] = [];
    const input = [
      users,
      record('users', { id: 1, name: 'a' }),
      state({ n: 1 }),
      record('users', { id: 2, name: 'b' }),
      record('users', { id: 3, name: 'c' }),
      state({ n: 3 }),
    ];
    await runDestination(CsvDestination, {
      input: Readable.from([input.map((m) => `${JSON.stringify(m)}\n`).join('')]),
      output: new Writable({ write: (_chunk, _encoding, done) => done() }),
      config: configOf({ output_path: dir }),
      settings: { batchSizeRows: 2 },
      logger: createMemoryLogger().logger,
      onState: (text) => void rowsWhenEmitted.push([text, readCsv(join(dir, 'users.csv')).length - 1]),
    });
    assert.deepEqual(rowsWhenEmitted, [
      ['{"n":1}', 2],
      ['{"n":3}', 3],
    ]);
  });

  describe('schema changes', () => {
    it('continue the stream in a new part file with the new header, so no column is lost', async () => {
      const { dir, error } = await run([
        users,
        record('users', { id: 1, name: 'a' }),
        schema('users', { id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string' } }, [
          'id',
        ]),
        record('users', { id: 2, name: 'b', email: 'b@x' }),
        schema('users', { id: { type: 'integer' } }, ['id']),
        record('users', { id: 3 }),
      ]);
      assert.equal(error, undefined);
      assert.deepEqual(readdirSync(dir).sort(), ['users.csv', 'users.part2.csv', 'users.part3.csv']);
      assert.deepEqual(readCsv(join(dir, 'users.csv')), [
        ['id', 'name'],
        ['1', 'a'],
      ]);
      assert.deepEqual(readCsv(join(dir, 'users.part2.csv')), [
        ['id', 'name', 'email'],
        ['2', 'b', 'b@x'],
      ]);
      assert.deepEqual(readCsv(join(dir, 'users.part3.csv')), [['id'], ['3']]);
    });

    it('keep the same file when the columns stay the same (types or keys changed)', async () => {
      const { dir } = await run([
        users,
        record('users', { id: 1, name: 'a' }),
        schema('users', { id: { type: 'string' }, name: { type: 'string' } }, ['name']),
        record('users', { id: '2', name: 'b' }),
      ]);
      assert.deepEqual(readdirSync(dir), ['users.csv']);
      assert.deepEqual(readCsv(join(dir, 'users.csv')), [
        ['id', 'name'],
        ['1', 'a'],
        ['2', 'b'],
      ]);
    });

    it('open no part for a schema that no record used', async () => {
      const { dir } = await run([
        users,
        schema('users', { id: { type: 'integer' }, x: { type: 'string' } }),
        schema('users', { id: { type: 'integer' }, y: { type: 'string' } }),
        record('users', { id: 1, y: 'why' }),
      ]);
      assert.deepEqual(readdirSync(dir), ['users.csv']);
      assert.deepEqual(readCsv(join(dir, 'users.csv')), [
        ['id', 'y'],
        ['1', 'why'],
      ]);
    });
  });

  describe('appending and replacing', () => {
    it('appends to an existing file with the same header, across runs', async () => {
      const dir = tempDir();
      await run([users, record('users', { id: 1, name: 'a' })], {}, dir);
      const second = await run([users, record('users', { id: 2, name: 'b' })], {}, dir);
      assert.equal(second.error, undefined);
      assert.deepEqual(readCsv(join(dir, 'users.csv')), [
        ['id', 'name'],
        ['1', 'a'],
        ['2', 'b'],
      ]);
    });

    it('writes to a new part when the existing file has another header, and warns', async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'users.csv'), 'id,other\r\n9,x\r\n');
      const result = await run([users, record('users', { id: 1, name: 'a' })], {}, dir);
      assert.equal(result.error, undefined);
      assert.equal(readFileSync(join(dir, 'users.csv'), 'utf8'), 'id,other\r\n9,x\r\n');
      assert.deepEqual(readCsv(join(dir, 'users.part2.csv')), [
        ['id', 'name'],
        ['1', 'a'],
      ]);
      assert.ok(
        result.logs.some(
          (l) => l.level === 'warn' && /another header; continuing in users\.part2\.csv/.test(l.msg),
        ),
      );
    });

    it('appends to the newest part of an earlier run when its header matches', async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'users.csv'), 'id,other\r\n');
      writeFileSync(join(dir, 'users.part2.csv'), 'id,name\r\n1,a\r\n');
      await run([users, record('users', { id: 2, name: 'b' })], {}, dir);
      assert.deepEqual(readdirSync(dir).sort(), ['users.csv', 'users.part2.csv']);
      assert.deepEqual(readCsv(join(dir, 'users.part2.csv')), [
        ['id', 'name'],
        ['1', 'a'],
        ['2', 'b'],
      ]);
    });

    it('refuses to append to a file that ends in the middle of a row', async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'users.csv'), 'id,name\r\n1,"half');
      const result = await run([users, record('users', { id: 2, name: 'b' }), state({ s: 1 })], {}, dir);
      assert.ok(result.error instanceof HandlerError);
      assert.equal(result.error.code, 'ERR_EXPORT_FAILED');
      assert.ok(result.error.cause instanceof CsvError);
      assert.equal(result.error.cause.code, 'ERR_CSV_PARTIAL_ROW');
      assert.match(result.error.cause.message, /users\.csv does not end with a line terminator/);
      assert.deepEqual(result.states, []);
      assert.equal(readFileSync(join(dir, 'users.csv'), 'utf8'), 'id,name\r\n1,"half');
    });

    it('replace_file starts the stream afresh and removes part files of earlier runs', async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'users.csv'), 'id,name\r\n1,old\r\n');
      writeFileSync(join(dir, 'users.part2.csv'), 'id,name,x\r\n2,old,x\r\n');
      writeFileSync(join(dir, 'other.csv'), 'keep\r\n');
      const result = await run(
        [users, record('users', { id: 3, name: 'new' })],
        { overwrite_behavior: 'replace_file' },
        dir,
      );
      assert.equal(result.error, undefined);
      assert.deepEqual(readdirSync(dir).sort(), ['other.csv', 'users.csv']);
      assert.deepEqual(readCsv(join(dir, 'users.csv')), [
        ['id', 'name'],
        ['3', 'new'],
      ]);
    });

    it('replace_file keeps every batch of this run', async () => {
      const dir = tempDir();
      const result = await runTestDestination(CsvDestination, {
        messages: [users, record('users', { id: 1, name: 'a' }), record('users', { id: 2, name: 'b' })],
        config: configOf({ output_path: dir, overwrite_behavior: 'replace_file' }),
        settings: { batchSizeRows: 1 },
      });
      assert.equal(result.summary?.batches, 2);
      assert.deepEqual(readCsv(join(dir, 'users.csv')), [
        ['id', 'name'],
        ['1', 'a'],
        ['2', 'b'],
      ]);
    });
  });

  describe('file names', () => {
    it('keeps every hostile stream name inside output_path, as a distinct safe file', async () => {
      const names = [
        '../escape',
        '/etc/passwd',
        'a/b',
        'nul\0byte',
        '.hidden',
        '..',
        'CON',
        'x'.repeat(300),
        'y'.repeat(300),
      ];
      const parent = tempDir();
      const dir = join(parent, 'out');
      const { error } = await run(
        names.flatMap((name, i) => [schema(name, { id: { type: 'integer' } }), record(name, { id: i })]),
        {},
        dir,
      );
      assert.equal(error, undefined);
      assert.deepEqual(readdirSync(parent), ['out']);
      const files = readdirSync(dir).sort();
      assert.equal(files.length, names.length);
      for (const file of files) {
        assert.match(file, /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.csv$/);
        assert.ok(Buffer.byteLength(file) <= 255);
      }
      assert.ok(files.includes('_.._escape.csv'));
      assert.ok(files.includes('_etc_passwd.csv'));
      assert.ok(files.includes('a_b.csv'));
      assert.ok(files.includes('_CON.csv'));
    });

    it('refuses two streams that map to the same file, naming both', async () => {
      const { error, dir } = await run([
        schema('a/b', { id: { type: 'integer' } }),
        record('a/b', { id: 1 }),
        schema('a_b', { id: { type: 'integer' } }),
      ]);
      assert.ok(error instanceof HandlerError);
      assert.equal(error.code, 'ERR_HANDLER_FAILED');
      assert.equal(error.line, 3);
      assert.ok(error.cause instanceof CsvError);
      assert.equal(error.cause.code, 'ERR_CSV_FILE_COLLISION');
      assert.match(error.cause.message, /Streams "a\/b" and "a_b" both map to the file a_b\.csv/);
      // The run stopped at the SCHEMA line, before the buffered record of "a/b" was exported.
      assert.deepEqual(readdirSync(dir), []);
    });

    it('fills {datestamp} and {timestamp} from the configured formats and time zone', async () => {
      const before = new Date();
      const { dir } = await run([users, record('users', { id: 1, name: 'a' })], {
        file_naming_scheme: 'export/{stream_name}-{datestamp}.csv',
        datestamp_format: '%Y%m%d',
        timestamp_timezone: 'Asia/Tokyo',
      });
      const tokyo = new Date(before.getTime() + 9 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
      assert.deepEqual(readdirSync(join(dir, 'export')), [`users-${tokyo}.csv`]);
    });
  });

  describe('settings', () => {
    it('writes with another delimiter, quote, escape and line terminator, and without header', async () => {
      const { dir } = await run([users, record('users', { id: 1, name: "it's; \\ fine" })], {
        delimiter: ';',
        quote_character: "'",
        escape_character: '\\',
        line_terminator: '\n',
        header: false,
      });
      assert.equal(readFileSync(join(dir, 'users.csv'), 'utf8'), "1;'it\\'s; \\\\ fine'\n");
    });

    it('flattens nested objects into parent__child columns down to flattening_max_depth', async () => {
      const nested = schema('f', {
        id: { type: 'integer' },
        a: {
          type: ['object', 'null'],
          properties: {
            b: { type: 'string' },
            c: { type: 'object', properties: { d: { type: 'integer' } } },
          },
        },
      });
      const records = [record('f', { id: 1, a: { b: 'x', c: { d: 4 } } }), record('f', { id: 2, a: null })];
      const deep = await run([nested, ...records], { flattening_enabled: true });
      assert.deepEqual(readCsv(join(deep.dir, 'f.csv')), [
        ['id', 'a__b', 'a__c__d'],
        ['1', 'x', '4'],
        ['2', null, null],
      ]);
      const shallow = await run([nested, ...records], { flattening_enabled: true, flattening_max_depth: 1 });
      assert.deepEqual(readCsv(join(shallow.dir, 'f.csv')), [
        ['id', 'a__b', 'a__c'],
        ['1', 'x', '{"d":4}'],
        ['2', null, null],
      ]);
    });

    it('adds record metadata columns in UTC', async () => {
      const before = Date.now();
      const { dir } = await run(
        [
          users,
          record(
            'users',
            { id: 1, name: 'a' },
            { time_extracted: '2018-11-02T22:57:04.841020Z', version: 7 },
          ),
          record('users', { id: 2, _sdc_deleted_at: '2024-05-01T00:00:00Z' }),
        ],
        { add_record_metadata: true, extra_properties: 'ignore' },
      );
      const [header, first, second] = readCsv(join(dir, 'users.csv'));
      // The SDK's columns in its order (its own test pins the list).
      assert.deepEqual(header, ['id', 'name', ...SDC_COLUMNS.map((c) => c.name)]);
      assert.deepEqual([first![2], first![5], first![7]], ['2018-11-02T22:57:04.841020Z', null, '7']);
      assert.deepEqual([second![2], second![5], second![7]], [null, '2024-05-01T00:00:00Z', null]);
      for (const row of [first!, second!]) {
        assert.match(row[3]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.match(row[4]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.ok(Date.parse(row[3]!) >= before && Date.parse(row[4]!) >= Date.parse(row[3]!));
      }
      // _sdc_sequence: the run's start in µs plus the input line (lines 2 and 3).
      const [one, two] = [Number(first![6]), Number(second![6])];
      assert.equal(two - one, 1);
      assert.ok(one - 2 >= before * 1000 && one - 2 <= Date.now() * 1000);
      // _sdc_batched_at is when the batch was handed over: one time for the whole batch.
      assert.equal(first![4], second![4]);
    });

    it('escapes spreadsheet formulas when escape_formulas is on', async () => {
      const { dir } = await run([users, record('users', { id: -1, name: '=HYPERLINK("x")' })], {
        escape_formulas: true,
      });
      assert.deepEqual(readCsv(join(dir, 'users.csv'))[1], ['-1', `'=HYPERLINK("x")`]);
    });

    it('writes latin-1 and utf-8 with BOM when asked, and refuses text latin-1 cannot hold', async () => {
      const latin = await run([users, record('users', { id: 1, name: 'café' })], { encoding: 'latin-1' });
      assert.deepEqual(
        readFileSync(join(latin.dir, 'users.csv')),
        Buffer.from('id,name\r\n1,caf\xe9\r\n', 'latin1'),
      );
      const bom = await run([users, record('users', { id: 1, name: 'é' })], { encoding: 'utf-8-sig' });
      assert.equal(readFileSync(join(bom.dir, 'users.csv'), 'utf8'), '\uFEFFid,name\r\n1,é\r\n');
      const bad = await run(
        [users, record('users', { id: 1, name: 'ok' }), record('users', { id: 2, name: '漢字' })],
        {
          encoding: 'latin-1',
        },
      );
      assert.ok(bad.error instanceof InputError);
      assert.equal(bad.error.code, 'ERR_RECORD_REJECTED');
      assert.equal(bad.error.line, 3);
      assert.match(bad.error.message, /holds the character U\+6F22, which encoding latin-1 cannot represent/);
      assert.deepEqual(readdirSync(bad.dir), []);
    });

    it('never writes a lone surrogate as U+FFFD: the SDK refuses the record first', async () => {
      const bad = await run([
        users,
        record('users', { id: 1, name: 'ok' }),
        record('users', { id: 2, name: 'x\ud800' }),
      ]);
      assert.ok(bad.error instanceof InputError);
      assert.equal(bad.error.code, 'ERR_LONE_SURROGATE');
      assert.equal(bad.error.line, 3);
      assert.deepEqual(readdirSync(bad.dir), []);
    });
  });

  describe('properties outside the schema', () => {
    const messages = [
      users,
      record('users', { id: 1, name: 'a', secret_note: 'do not log me', extra: 1 }),
      record('users', { id: 2, name: 'b' }),
      state({ s: 1 }),
    ];

    it('are skipped with one warning naming them (never their values) by default', async () => {
      const { dir, logs, states } = await run(messages);
      assert.deepEqual(readCsv(join(dir, 'users.csv')), [
        ['id', 'name'],
        ['1', 'a'],
        ['2', 'b'],
      ]);
      const warnings = logs.filter((l) => l.level === 'warn');
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]!.msg,
        /1 record\(s\) from input line 2 on have properties outside the schema \(secret_note, extra\)/,
      );
      assert.doesNotMatch(JSON.stringify(logs), /do not log me/);
      assert.deepEqual(states, [{ s: 1 }]);
    });

    it('are counted over the whole batch, whichever thread wrote the record, in one warning', async () => {
      // Both threads write part of each batch (the row-writing thread the first 85%): 100 records, one batch,
      // with extra properties on records of either part.
      const many = Array.from({ length: 100 }, (_, id) =>
        record('users', { id, name: `n${id}`, ...(id % 10 === 0 ? { secret: 'x' } : {}) }),
      );
      const { dir, logs, states } = await run([users, ...many, state({ s: 100 })]);
      assert.deepEqual(readCsv(join(dir, 'users.csv')), [
        ['id', 'name'],
        ...many.map((m) => [String(m.record.id), String(m.record.name)]),
      ]);
      const warnings = logs.filter((l) => l.level === 'warn').map((l) => l.msg);
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]!,
        /10 record\(s\) from input line 2 on have properties outside the schema \(secret\)/,
      );
      assert.deepEqual(states, [{ s: 100 }]);
    });

    it('reject the record with extra_properties "fail": an error naming the line, no row and no state', async () => {
      const { dir, error, states } = await run(messages, { extra_properties: 'fail' });
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'ERR_EXTRA_PROPERTIES');
      assert.equal(error.line, 2);
      assert.match(
        error.message,
        /^stdin line 2: RECORD for stream "users" has properties that are not in the schema \(secret_note, extra\)/,
      );
      assert.doesNotMatch(error.message, /do not log me/);
      assert.deepEqual(states, []);
      assert.deepEqual(readdirSync(dir), []);
    });

    it('skip only the offending records with extra_properties "fail" and invalid_record_policy "skip"', async () => {
      const { dir, error, states } = await run(messages, {
        extra_properties: 'fail',
        invalid_record_policy: 'skip',
      });
      assert.equal(error, undefined);
      assert.deepEqual(readCsv(join(dir, 'users.csv')), [
        ['id', 'name'],
        ['2', 'b'],
      ]);
      assert.deepEqual(states, [{ s: 1 }]);
    });
  });

  describe('test connection', () => {
    it('creates output_path and reports that it is writable', async () => {
      const { testConnection } = await import('@singer-dest/sdk');
      const dir = join(tempDir(), 'new', 'dir');
      const said = await testConnection(CsvDestination, { config: configOf({ output_path: dir }) });
      assert.equal(
        said,
        `output_path ${dir} exists and is writable (created, fsynced and removed a probe file)`,
      );
      assert.deepEqual(readdirSync(dir), []);
    });

    it('fails with ERR_TEST_CONNECTION_FAILED when output_path cannot be created', async () => {
      const { testConnection } = await import('@singer-dest/sdk');
      const file = join(tempDir(), 'file');
      writeFileSync(file, '');
      await assert.rejects(
        testConnection(CsvDestination, { config: configOf({ output_path: join(file, 'sub') }) }),
        {
          code: 'ERR_TEST_CONNECTION_FAILED',
          message: /Connection test failed: .*ENOTDIR/,
        },
      );
      assert.equal(existsSync(join(file, 'sub')), false);
    });
  });
});
