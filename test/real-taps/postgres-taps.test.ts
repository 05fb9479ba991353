/**
 * End-to-end: one realistic multi-table run of each Postgres tap style (test/fixtures/real-taps, written by
 * make-postgres-tap-fixtures.py from the taps' source): singer-io tap-postgres (singer-python 5.x) and pipelinewise
 * tap-postgres (pipelinewise-singer-python 1.x). Three tables: `orders` (LOG_BASED: its initial full-table copy with
 * ACTIVATE_VERSION, then an update, an insert and a key-only delete from the WAL), `Order Lines` (INCREMENTAL,
 * composite key, mixed-case and spaced names) and `audit_log` (FULL_TABLE, no key, a duplicate row). Through the
 * real dest-csv, dest-postgres and dest-duckdb bins with default settings, asserted row by row and value by value
 * with the exact states printed; with strict_validation the two records breaking the schema (an unbounded numeric with 50
 * decimals, more than the tap's multipleOf 1e-38) are dead-lettered by line.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createTestSchema, getTestServer } from '@singer-dest/dest-postgres/test-server';
import { DEST_CSV, ROOT, runBin, tempDir, writeJson } from '../cli/support/spawn-bin';
import { DEST_DUCKDB, duckdbRows, varcharSelect } from './support/duckdb-rows';
import { deadLettersOf, runStrict } from './support/strict-run';

const DEST_POSTGRES = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'real-taps');

after(async () => (await getTestServer()).stop());

interface TapStyle {
  file: string;
  /** Stream names: singer-io uses the table name, pipelinewise "<schema>-<table>". */
  stream: (table: string) => string;
  /** How a jsonb column's value reads back: singer-io sends JSON text (a string), pipelinewise the value. */
  json: { meta1: string; meta2: string; payload: string };
  /** Input lines of the STATE messages printed with default settings (the rest are superseded in flight). */
  stateLines: number[];
  /** ship_time: a text column (singer-io sends no format) or a time column (pipelinewise: "format": "time"). */
  shipTimeType: string;
}

const STYLES: TapStyle[] = [
  {
    file: 'singer-io-tap-postgres.singer',
    stream: (table) => table,
    json: { meta1: '{"a": [1, 2]}', meta2: '[1, "two"]', payload: '{"before": null, "after": {"qty": 2}}' },
    stateLines: [2, 7, 9, 11, 24, 29],
    shipTimeType: 'text',
  },
  {
    file: 'pipelinewise-tap-postgres.singer',
    stream: (table) => `public-${table}`,
    json: { meta1: '{"a":[1,2]}', meta2: '[1,"two"]', payload: '{"before":null,"after":{"qty":2}}' },
    stateLines: [2, 7, 9, 11, 24, 29],
    shipTimeType: 'time without time zone',
  },
];

/** The records (by input line) breaking a constraint: `total` of order 2, in its full-table copy and its update. */
const DEVIATING_LINES = [5, 26];

/** The dead letters of a strict run: the deviating orders, by line. */
const deviatingOrders = (style: TapStyle): [number, string, string][] =>
  DEVIATING_LINES.map((line) => [line, style.stream('orders'), 'ERR_RECORD_INVALID']);

const input = (style: TapStyle) => readFileSync(join(FIXTURES, style.file), 'utf8');

/** The printed states: the tap's STATE lines, as compact JSON. */
function statesOf(style: TapStyle): string {
  const lines = input(style).split('\n');
  return style.stateLines
    .map((n) => `${JSON.stringify((JSON.parse(lines[n - 1]!) as { value: unknown }).value)}\n`)
    .join('');
}

const ORDER_COLUMNS = [
  'id', 'customer_id', 'qty', 'amount', 'fx_rate', 'total', 'weight', 'score', 'paid', 'note', 'code', 'grade',
  'ref', 'ordered_on', 'ship_time', 'created_at', 'updated_at', 'meta', 'tags', 'lots', '_sdc_deleted_at',
]; // prettier-ignore
const PI_50 = '3.14159265358979323846264338327950288419716939937510';

/** orders.csv: every RECORD in input order (dest-csv appends), empty for null. */
function orderCsvRows(style: TapStyle): Record<number, string[]> {
  const { meta1, meta2 } = style.json;
  // prettier-ignore
  return {
    4: ['1', '9223372036854775807', '32767', '1234.5', '1.2345678901', '12345678901234567890.1234567890', '0.5',
      '3.141592653589793', 'true', 'Café 中文 😀', 'A-1', 'A', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      '2024-06-01T00:00:00+00:00', '13:45:00', '2024-06-01T12:00:00.123456+00:00', '2024-06-01T14:00:00+02:00',
      meta1, '["x","y"]', '[1,2,3]', ''],
    5: ['2', '-9223372036854775808', '-32768', '0.29', '-1e-10', PI_50, '1.25', '-1e-300', 'false',
      'Ελληνικά 日本語', 'B-2', 'B', 'b1ffcd88-8d1a-4ef8-bb6d-6bb9bd380a22', '2024-06-02T00:00:00+00:00',
      '00:00:00', '2024-06-02T08:30:00+00:00', '2024-06-02T08:30:00+00:00', meta2, '[]', '[]', ''],
    6: ['3', ...Array<string>(20).fill('')],
    26: ['2', '-9223372036854775808', '7', '0.3', '-1e-10', PI_50, '1.25', '-1e-300', 'false', 'updated ✓',
      'B-2', 'B', 'b1ffcd88-8d1a-4ef8-bb6d-6bb9bd380a22', '2024-06-02T00:00:00+00:00', '00:00:00',
      '2024-06-02T08:30:00+00:00', '2024-06-03T10:04:00+00:00', meta2, '[]', '[]', ''],
    27: ['4', '9007199254740993', '', '-9999999999.99', ...Array<string>(5).fill(''), 'new',
      ...Array<string>(11).fill('')],
    28: ['1', ...Array<string>(19).fill(''), '2024-06-03T10:04:30.250000+00:00'],
  };
}

const LINE_ROWS = [
  ['order_id', 'Line No', 'Product Name', 'price', 'updated_at'],
  ['1', '1', 'Espresso ☕', '2.5', '2024-06-01T10:00:00+00:00'],
  ['1', '2', 'Croissant', '1.125', '2024-06-01T10:00:01+00:00'],
  ['2', '1', 'Éclair', '99999.999', '2024-06-02T08:30:00+00:00'],
];

function readCsv(path: string): string[][] {
  const rows: string[][] = parse(readFileSync(path, 'utf8'));
  return rows;
}

function csvFiles(dir: string, style: TapStyle) {
  const file = (table: string) => join(dir, 'out', `${style.stream(table).replace(/ /g, '_')}.csv`);
  return { orders: file('orders'), lines: file('Order Lines'), audit: file('audit_log') };
}

describe('real Postgres taps through dest-csv', () => {
  for (const style of STYLES) {
    it(`${style.file}: every table loads value by value with default settings, with the exact states`, async () => {
      const dir = tempDir();
      const config = writeJson(dir, 'config.json', { output_path: join(dir, 'out') });
      const run = await runBin(DEST_CSV, ['--config', config], { input: input(style) });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, statesOf(style));
      const files = csvFiles(dir, style);
      assert.deepEqual(readCsv(files.orders), [ORDER_COLUMNS, ...Object.values(orderCsvRows(style))]);
      assert.deepEqual(readCsv(files.lines), LINE_ROWS);
      const audit = ['10', 'insert', '2024-06-01T10:00:00+00:00', style.json.payload];
      assert.deepEqual(readCsv(files.audit), [['id', 'action', 'at', 'payload'], audit, audit]);
      // The one deviation: warned once with its first line, counted twice in the summary.
      const warnings = run.stderr
        .split('\n')
        .filter((l) => l.includes('"level":40') && l.includes('"keyword":"multipleOf"'));
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]!,
        /stdin line 5: RECORD for stream \\"[a-z-]*orders\\": \\"total\\" breaks its schema's multipleOf/,
      );
      assert.match(
        run.stderr,
        /"deviations":\[\{"stream":"[a-z-]*orders","property":"total","keyword":"multipleOf","count":2,"firstLine":5\}\]/,
      );
    });

    it(`${style.file}: with strict_validation dead-letters exactly the deviating records, by line`, async () => {
      const dir = tempDir();
      const settings = { output_path: join(dir, 'out') };
      const { dead } = await runStrict(DEST_CSV, dir, settings, input(style), statesOf(style));
      assert.deepEqual(dead, deviatingOrders(style));
      const kept = Object.entries(orderCsvRows(style))
        .filter(([line]) => !DEVIATING_LINES.includes(Number(line)))
        .map(([, row]) => row);
      const files = csvFiles(dir, style);
      assert.deepEqual(readCsv(files.orders), [ORDER_COLUMNS, ...kept]);
      assert.deepEqual(readCsv(files.lines), LINE_ROWS);
    });
  }
});

const ORDER_SELECT = `SELECT ${ORDER_COLUMNS.map((c) => `${c}::text`).join(', ')}, _sdc_table_version::text AS version,
  _sdc_extracted_at::text AS extracted FROM %s.orders ORDER BY id`;

/** orders as PostgreSQL holds it after the run: upserted by id, the key-only delete keeping order 1's values. */
function orderPgRows(strict: boolean): Record<string, string | null>[] {
  // singer-io's JSON text lands in a text column as sent; pipelinewise's value in jsonb, which reads back so too.
  const row = (values: (string | null)[], extracted: string): Record<string, string | null> => ({
    ...Object.fromEntries(ORDER_COLUMNS.map((c, i) => [c, values[i] ?? null])),
    version: '1717243200000',
    extracted,
  });
  const nulls = (n: number) => Array<null>(n).fill(null);
  // prettier-ignore
  const rows = [
    row(['1', '9223372036854775807', '32767', '1234.5', '1.2345678901', '12345678901234567890.1234567890', '0.5',
      '3.141592653589793', 'true', 'Café 中文 😀', 'A-1', 'A', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      '2024-06-01 00:00:00+00', '13:45:00', '2024-06-01 12:00:00.123456+00', '2024-06-01 12:00:00+00',
      '{"a": [1, 2]}', '["x", "y"]', '[1, 2, 3]', '2024-06-03 10:04:30.25+00'],
      '2024-06-03 10:05:00+00'),
    row(['2', '-9223372036854775808', '7', '0.3', '-0.0000000001', PI_50, '1.25', `-0.${'0'.repeat(299)}1`,
      'false', 'updated ✓', 'B-2', 'B', 'b1ffcd88-8d1a-4ef8-bb6d-6bb9bd380a22', '2024-06-02 00:00:00+00',
      '00:00:00', '2024-06-02 08:30:00+00', '2024-06-03 10:04:00+00', '[1, "two"]',
      '[]', '[]', null], '2024-06-03 10:05:00+00'),
    row(['3', ...nulls(20)], '2024-06-03 10:00:00+00'),
    row(['4', '9007199254740993', null, '-9999999999.99', ...nulls(5), 'new', ...nulls(11)],
      '2024-06-03 10:05:00+00'),
  ];
  return strict ? rows.filter((r) => r.id !== '2') : rows;
}

async function expectPostgresRows(
  schema: string,
  query: (sql: string) => Promise<unknown[]>,
  style: TapStyle,
  strict: boolean,
) {
  const q = `"${schema}"`;
  assert.deepEqual(await query(ORDER_SELECT.replace('%s', q)), orderPgRows(strict));
  assert.deepEqual(
    await query(
      `SELECT order_id::text, "line no"::text AS line, "product name" AS product, price::text, updated_at::text,
              _sdc_deleted_at::text AS deleted
         FROM ${q}."order lines" ORDER BY order_id, "line no"`,
    ),
    [
      {
        order_id: '1',
        line: '1',
        product: 'Espresso ☕',
        price: '2.5',
        updated_at: '2024-06-01 10:00:00+00',
        deleted: null,
      },
      {
        order_id: '1',
        line: '2',
        product: 'Croissant',
        price: '1.125',
        updated_at: '2024-06-01 10:00:01+00',
        deleted: null,
      },
      {
        order_id: '2',
        line: '1',
        product: 'Éclair',
        price: '99999.999',
        updated_at: '2024-06-02 08:30:00+00',
        deleted: null,
      },
    ],
  );
  const audit = {
    id: '10',
    action: 'insert',
    at: '2024-06-01 10:00:00+00',
    payload: style.file.startsWith('singer-io')
      ? '{"before": null, "after": {"qty": 2}}'
      : '{"after": {"qty": 2}, "before": null}',
    deleted: null,
  };
  assert.deepEqual(
    await query(
      `SELECT id::text, action, at::text, payload::text, _sdc_deleted_at::text AS deleted FROM ${q}.audit_log`,
    ),
    [audit, audit],
  );
}

describe('real Postgres taps through dest-postgres', () => {
  for (const style of STYLES) {
    it(`${style.file}: every table loads value by value with default settings, with the exact states`, async () => {
      const db = await createTestSchema('realtap');
      try {
        const config = writeJson(tempDir(), 'config.json', db.settings);
        const run = await runBin(DEST_POSTGRES, ['--config', config], { input: input(style) });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, statesOf(style));
        const types = await db.query<{ column_name: string; data_type: string }>(
          `SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = '${db.schema}' AND table_name = 'orders' AND column_name IN ('ship_time', 'meta')
            ORDER BY column_name`,
        );
        assert.deepEqual(types, [
          { column_name: 'meta', data_type: style.file.startsWith('singer-io') ? 'text' : 'jsonb' },
          { column_name: 'ship_time', data_type: style.shipTimeType },
        ]);
        await expectPostgresRows(db.schema, (sql) => db.query(sql), style, false);
      } finally {
        await db.drop();
      }
    });

    it(`${style.file}: with strict_validation dead-letters exactly the deviating records, by line`, async () => {
      const db = await createTestSchema('realtapstrict');
      try {
        const { dead } = await runStrict(
          DEST_POSTGRES,
          tempDir(),
          db.settings,
          input(style),
          statesOf(style),
        );
        assert.deepEqual(dead, deviatingOrders(style));
        await expectPostgresRows(db.schema, (sql) => db.query(sql), style, true);
      } finally {
        await db.drop();
      }
    });
  }
});

/**
 * orders as DuckDB holds it (`::VARCHAR`): upserted by id, the key-only delete keeping order 1's values (as in
 * dest-postgres); `score` is VARCHAR holding each literal (-1e-300 needs more than DECIMAL(38,9)), `total` too
 * (its multipleOf 1e-38 needs more than 38 digits); DECIMAL text has the column's scale.
 */
function orderDuckDbRows(style: TapStyle, strict: boolean): (string | null)[][] {
  const { meta1, meta2 } = style.json;
  const nulls = (n: number) => Array<null>(n).fill(null);
  const version = '1717243200000';
  // prettier-ignore
  const rows = [
    ['1', '9223372036854775807', '32767', '1234.50', '1.2345678901', '12345678901234567890.1234567890',
      '0.500000000', '3.141592653589793', 'true', 'Café 中文 😀', 'A-1', 'A', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      '2024-06-01 00:00:00+00', '13:45:00', '2024-06-01 12:00:00.123456+00', '2024-06-01 12:00:00+00', meta1,
      '["x","y"]', '[1,2,3]', '2024-06-03 10:04:30.25+00', version],
    ['2', '-9223372036854775808', '7', '0.30', '-0.0000000001', PI_50, '1.250000000', '-1e-300', 'false',
      'updated ✓', 'B-2', 'B', 'b1ffcd88-8d1a-4ef8-bb6d-6bb9bd380a22', '2024-06-02 00:00:00+00', '00:00:00',
      '2024-06-02 08:30:00+00', '2024-06-03 10:04:00+00', meta2, '[]', '[]', null, version],
    ['3', ...nulls(20), version],
    ['4', '9007199254740993', null, '-9999999999.99', ...nulls(5), 'new', ...nulls(11), version],
  ];
  return strict ? rows.filter((r) => r[0] !== '2') : rows;
}

describe('real Postgres taps through dest-duckdb', () => {
  const schemaOf = (style: TapStyle) => (style.file.startsWith('singer-io') ? 'main' : 'public');
  const run = async (style: TapStyle, settings: object = {}, dir = tempDir()) => {
    const path = join(dir, 'rt.duckdb');
    const config = writeJson(dir, 'config.json', { path, ...settings });
    return { dir, path, result: await runBin(DEST_DUCKDB, ['--config', config], { input: input(style) }) };
  };
  const orders = (style: TapStyle, path: string) =>
    duckdbRows(
      path,
      varcharSelect([...ORDER_COLUMNS, '_sdc_table_version'], `${schemaOf(style)}.orders`, 'id'),
    );

  for (const style of STYLES) {
    it(`${style.file}: every table loads value by value with default settings, with the exact states`, async () => {
      const { path, result } = await run(style);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, statesOf(style));
      assert.deepEqual(await orders(style, path), orderDuckDbRows(style, false));
      const lineColumns = ['order_id', 'line no', 'product name', 'price', 'updated_at', '_sdc_deleted_at'];
      assert.deepEqual(
        await duckdbRows(path, varcharSelect(lineColumns, `${schemaOf(style)}."order lines"`, '1, 2')),
        [
          ['1', '1', 'Espresso ☕', '2.500', '2024-06-01 10:00:00+00', null],
          ['1', '2', 'Croissant', '1.125', '2024-06-01 10:00:01+00', null],
          ['2', '1', 'Éclair', '99999.999', '2024-06-02 08:30:00+00', null],
        ],
      );
      // singer-io's JSON text lands in a VARCHAR column as sent, pipelinewise's value in a JSON column.
      const audit = ['10', 'insert', '2024-06-01 10:00:00+00', style.json.payload, null];
      const auditColumns = ['id', 'action', 'at', 'payload', '_sdc_deleted_at'];
      assert.deepEqual(
        await duckdbRows(path, varcharSelect(auditColumns, `${schemaOf(style)}.audit_log`, 'id')),
        [audit, audit],
      );
    });

    it(`${style.file}: with strict_validation dead-letters exactly the deviating records, by line`, async () => {
      const dir = tempDir();
      const settings = { strict_validation: true, invalid_record_policy: 'dead_letter' };
      const { path, result } = await run(
        style,
        { ...settings, dead_letter_path: join(dir, 'dead.jsonl') },
        dir,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, statesOf(style));
      assert.deepEqual(deadLettersOf(join(dir, 'dead.jsonl')), deviatingOrders(style));
      assert.deepEqual(
        (await orders(style, path)).map((r) => r[0]),
        orderDuckDbRows(style, true).map((r) => r[0]),
      );
    });
  }
});
