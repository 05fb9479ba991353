/**
 * End-to-end: the fixtures of test/fixtures/real-taps that reproduce how real taps write schemas (draft-4 bounds,
 * bounds beyond 2^53, decimal multipleOf, constraints the data breaks, ACTIVATE_VERSION before SCHEMA), through
 * the real dest-csv, dest-postgres and dest-duckdb bins: with default settings every row loads, value by value,
 * with the exact states; with `strict_validation: true` exactly the deviating records are dead-lettered, by line.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createTestSchema, getTestServer } from '@singer-dest/dest-postgres/test-server';
import { DEST_CSV, ROOT, readJsonLines, runBin, tempDir, writeJson } from '../cli/support/spawn-bin';
import { DEST_DUCKDB, duckdbRows, varcharSelect } from './support/duckdb-rows';
import { runStrict } from './support/strict-run';

const DEST_POSTGRES = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'real-taps');

after(async () => (await getTestServer()).stop());

interface Deviation {
  property: string;
  keyword: string;
  count: number;
  firstLine: number;
}

interface FixtureCase {
  file: string;
  stream: string;
  /** Columns in schema order (the CSV header). */
  columns: string[];
  /** Rows as dest-csv writes them, in input order. */
  csv: string[][];
  /** Rows as PostgreSQL returns them (`::text`), ordered by id. */
  postgres: (string | null)[][];
  /**
   * Rows as DuckDB returns them (`::VARCHAR`), ordered by id: a column whose type cannot hold a deviating value
   * was widened (a wider DECIMAL, else VARCHAR holding the literal), so DECIMAL text has the column's scale.
   */
  duckdb: (string | null)[][];
  /** stdout with default settings. */
  states: string;
  /** What the default run reports (the final summary). */
  deviations: Deviation[];
  /** Lines dead-lettered with strict_validation, and the ids still loaded. */
  strictDeadLetters: number[];
  strictIds: string[];
  /** stdout with strict_validation and dead_letter (default: the same as `states`). */
  strictStates?: string;
}

const stateLines = (...values: object[]) => values.map((v) => `${JSON.stringify(v)}\n`).join('');

const CASES: FixtureCase[] = [
  {
    file: 'draft4-exclusive-bounds.singer',
    stream: 'measurements',
    columns: ['id', 'reading', 'ratio', 'sensor'],
    csv: [
      ['1', '99999999.99', '0.5', 'north'],
      ['2', '-99999999.99', '-1.5e+37', 'south'],
      ['3', '0.29', '', ''],
      ['4', '100000000', '2.5', 'east'],
    ],
    postgres: [
      ['1', '99999999.99', '0.5', 'north'],
      ['2', '-99999999.99', '-15000000000000000000000000000000000000', 'south'],
      ['3', '0.29', null, null],
      ['4', '100000000', '2.5', 'east'],
    ],
    duckdb: [
      ['1', '99999999.99', '0.5', 'north'],
      ['2', '-99999999.99', '-1.5e+37', 'south'],
      ['3', '0.29', null, null],
      ['4', '100000000.00', '2.5', 'east'],
    ],
    states: stateLines({
      currently_syncing: null,
      bookmarks: { 'public-measurements': { version: 1576671584120, xmin: null } },
    }),
    deviations: [{ property: 'reading', keyword: 'exclusiveMaximum', count: 1, firstLine: 6 }],
    strictDeadLetters: [6],
    strictIds: ['1', '2', '3'],
  },
  {
    file: 'bigint-bounds.singer',
    stream: 'accounts',
    columns: ['id', 'balance_cents', 'external_id', 'updated_at'],
    csv: [
      ['9223372036854775807', '-9223372036854775808', '18446744073709551615', '2019-12-18T13:19:44+00:00'],
      ['-9223372036854775808', '9007199254740993', '0', '2019-12-18T13:20:00+00:00'],
      ['1', '', '18446744073709551616', ''],
    ],
    postgres: [
      ['-9223372036854775808', '9007199254740993', '0', '2019-12-18 13:20:00+00'],
      ['1', null, '18446744073709551616', null],
      ['9223372036854775807', '-9223372036854775808', '18446744073709551615', '2019-12-18 13:19:44+00'],
    ],
    duckdb: [
      ['-9223372036854775808', '9007199254740993', '0', '2019-12-18 13:20:00+00'],
      ['1', null, '18446744073709551616', null],
      ['9223372036854775807', '-9223372036854775808', '18446744073709551615', '2019-12-18 13:19:44+00'],
    ],
    states: stateLines({
      currently_syncing: null,
      bookmarks: {
        'public-accounts': {
          replication_key: 'updated_at',
          replication_key_value: '2019-12-18T13:20:00+00:00',
          version: 1576671584120,
        },
      },
    }),
    deviations: [{ property: 'external_id', keyword: 'maximum', count: 1, firstLine: 4 }],
    strictDeadLetters: [4],
    strictIds: ['-9223372036854775808', '9223372036854775807'],
  },
  {
    file: 'decimal-multiple-of.singer',
    stream: 'prices',
    columns: ['id', 'price', 'amount', 'rate'],
    csv: [
      ['1', '0.29', '12345678901234567890.1234567890', '3.14159265358979323846264338327950288419'],
      ['2', '1.1', '1e-10', '1e-38'],
      ['3', '0.295', '-9999999999999999999999999999.9999999999', '0'],
      ['4', '99999999.99', '1.12345678901', ''],
    ],
    postgres: [
      ['1', '0.29', '12345678901234567890.1234567890', '3.14159265358979323846264338327950288419'],
      ['2', '1.1', '0.0000000001', '0.00000000000000000000000000000000000001'],
      ['3', '0.295', '-9999999999999999999999999999.9999999999', '0'],
      ['4', '99999999.99', '1.12345678901', null],
    ],
    duckdb: [
      ['1', '0.290', '12345678901234567890.1234567890', '3.14159265358979323846264338327950288419'],
      ['2', '1.100', '1e-10', '1e-38'],
      ['3', '0.295', '-9999999999999999999999999999.9999999999', '0'],
      ['4', '99999999.990', '1.12345678901', null],
    ],
    states: stateLines({
      currently_syncing: null,
      bookmarks: { 'public-prices': { version: 1576671584120, xmin: null } },
    }),
    deviations: [
      { property: 'price', keyword: 'multipleOf', count: 1, firstLine: 4 },
      { property: 'amount', keyword: 'multipleOf', count: 1, firstLine: 6 },
    ],
    strictDeadLetters: [4, 6],
    strictIds: ['1', '2'],
  },
  {
    file: 'constraint-deviations.singer',
    stream: 'people',
    columns: ['id', 'name', 'score', 'code', 'tier', 'avatar', 'price', 'attrs'],
    csv: [
      ['1', 'Ada', '12', 'ADA', 'gold', 'AAEC', '12.50', '{"team":"core"}'],
      ['2', 'Ελληνικά και 日本語のテキスト', '7', 'ELL', 'silver', '', '', ''],
      ['3', 'Grace', '200', 'abc', 'bronze', '//79', '12345678901234567890.12', '[1,2]'],
      ['4', 'Ἀριστοτέλης ὁ Σταγειρίτης', '-5', 'ARI', '', '', '0.1', '{}'],
    ],
    postgres: [
      ['1', 'Ada', '12', 'ADA', 'gold', 'AAEC', '12.50', '{"team": "core"}'],
      ['2', 'Ελληνικά και 日本語のテキスト', '7', 'ELL', 'silver', null, null, null],
      ['3', 'Grace', '200', 'abc', 'bronze', '//79', '12345678901234567890.12', '[1, 2]'],
      ['4', 'Ἀριστοτέλης ὁ Σταγειρίτης', '-5', 'ARI', null, null, '0.1', '{}'],
    ],
    duckdb: [
      ['1', 'Ada', '12', 'ADA', 'gold', 'AAEC', '12.50', '{"team":"core"}'],
      ['2', 'Ελληνικά και 日本語のテキスト', '7', 'ELL', 'silver', null, null, null],
      ['3', 'Grace', '200', 'abc', 'bronze', '//79', '12345678901234567890.12', '[1,2]'],
      ['4', 'Ἀριστοτέλης ὁ Σταγειρίτης', '-5', 'ARI', null, null, '0.1', '{}'],
    ],
    states: stateLines({
      currently_syncing: null,
      bookmarks: { 'shop-people': { version: 1576671584120, initial_full_table_complete: true } },
    }),
    deviations: [
      { property: 'name', keyword: 'maxLength', count: 2, firstLine: 3 },
      { property: 'score', keyword: 'maximum', count: 1, firstLine: 4 },
      { property: 'code', keyword: 'pattern', count: 1, firstLine: 4 },
      // null is not among the enum's values: a nullable column's enum that leaves null out is broken by null.
      { property: 'tier', keyword: 'enum', count: 2, firstLine: 4 },
      { property: 'attrs', keyword: 'type', count: 1, firstLine: 4 },
    ],
    strictDeadLetters: [3, 4, 6],
    strictIds: ['1'],
  },
  {
    file: 'activate-version-first.singer',
    stream: 'orders',
    columns: ['id', 'total', 'placed_at'],
    csv: [
      ['1', '19.99', '2019-12-18T13:19:44+00:00'],
      ['2', '5.1', '2019-12-18T13:21:02+00:00'],
    ],
    postgres: [
      ['1', '19.99', '2019-12-18 13:19:44+00'],
      ['2', '5.1', '2019-12-18 13:21:02+00'],
    ],
    duckdb: [
      ['1', '19.99', '2019-12-18 13:19:44+00'],
      ['2', '5.10', '2019-12-18 13:21:02+00'],
    ],
    states: stateLines(
      { currently_syncing: 'shop-orders', bookmarks: { 'shop-orders': { version: 1576671584120 } } },
      {
        currently_syncing: 'shop-orders',
        bookmarks: {
          'shop-orders': { version: 1576671584120, max_pk_values: { id: 2 }, last_pk_fetched: { id: 2 } },
        },
      },
      {
        currently_syncing: null,
        bookmarks: { 'shop-orders': { version: 1576671584120, initial_full_table_complete: true } },
      },
    ),
    deviations: [],
    strictDeadLetters: [],
    strictIds: ['1', '2'],
  },
];

/** The run's final summary, from its JSON log on stderr. */
function summaryOf(stderr: string): {
  deviations: (Deviation & { stream: string })[];
  invalidRecords: object;
} {
  const entry = stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { summary?: unknown })
    .find((l) => l.summary !== undefined);
  assert.ok(entry, `no summary in ${stderr.slice(-2000)}`);
  return entry.summary as ReturnType<typeof summaryOf>;
}

/** The schema_deviation_count METRIC lines of a run, as [property, keyword, value]. */
function deviationMetrics(stderr: string): [string, string, number][] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { metric?: { metric: string; value: number; tags: Record<string, string> } })
    .filter((l) => l.metric?.metric === 'schema_deviation_count')
    .map(({ metric }) => [metric!.tags.property!, metric!.tags.keyword!, metric!.value]);
}

function fixture(file: string): string {
  return readFileSync(join(FIXTURES, file), 'utf8');
}

function expectDefaultReport(c: FixtureCase, stderr: string): void {
  const summary = summaryOf(stderr);
  assert.deepEqual(
    summary.deviations,
    c.deviations.map((d) => ({ stream: c.stream, ...d })),
  );
  assert.deepEqual(summary.invalidRecords, {});
  assert.deepEqual(
    deviationMetrics(stderr),
    c.deviations.map((d) => [d.property, d.keyword, d.count]),
  );
  // One warning per (stream, property, keyword), naming the line of its first value.
  for (const d of c.deviations) {
    const warnings = stderr
      .split('\n')
      .filter((l) => l.includes(`\\"${d.property}\\" breaks its schema's ${d.keyword} `));
    assert.equal(warnings.length, 1, `${d.property} ${d.keyword}: ${warnings.join('\n')}`);
    assert.match(warnings[0]!, new RegExp(`stdin line ${d.firstLine}: RECORD for stream`));
  }
}

function expectStrictDeadLetters(c: FixtureCase, deadLetterPath: string): void {
  const dead = readJsonLines(deadLetterPath) as { line: number; stream: string; code: string }[];
  assert.deepEqual(
    dead.map((d) => [d.line, d.stream, d.code]),
    c.strictDeadLetters.map((line) => [line, c.stream, 'ERR_RECORD_INVALID']),
  );
}

describe('real taps through dest-csv', () => {
  for (const c of CASES) {
    it(`${c.file}: loads every row value by value with default settings, reporting each deviation`, async () => {
      const dir = tempDir();
      const config = writeJson(dir, 'config.json', {
        output_path: join(dir, 'out'),
        add_record_metadata: false,
      });
      const run = await runBin(DEST_CSV, ['--config', config], { input: fixture(c.file) });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, c.states);
      const rows = parse(readFileSync(join(dir, 'out', `${c.stream}.csv`), 'utf8'), {
        relax_column_count: false,
      });
      assert.deepEqual(rows, [c.columns, ...c.csv]);
      expectDefaultReport(c, run.stderr);
    });

    it(`${c.file}: with strict_validation dead-letters exactly the deviating records, by line`, async () => {
      const dir = tempDir();
      const settings = { output_path: join(dir, 'out'), add_record_metadata: false };
      const { deadLetters } = await runStrict(
        DEST_CSV,
        dir,
        settings,
        fixture(c.file),
        c.strictStates ?? c.states,
      );
      const rows: string[][] = parse(readFileSync(join(dir, 'out', `${c.stream}.csv`), 'utf8'));
      assert.deepEqual(
        rows.slice(1).map((r) => r[0]),
        c.csv.map((r) => r[0]).filter((id) => c.strictIds.includes(id!)),
      );
      expectStrictDeadLetters(c, deadLetters);
    });
  }

  it('fails at the first deviating record with strict_validation and the default policy', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'config.json', {
      output_path: join(dir, 'out'),
      strict_validation: true,
    });
    const run = await runBin(DEST_CSV, ['--config', config], {
      input: fixture('decimal-multiple-of.singer'),
    });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /stdin line 4: RECORD for stream \\"prices\\" does not match the stream's schema: \/price must be multiple of 0\.01\./,
    );
  });
});

describe('real taps through dest-postgres', () => {
  for (const c of CASES) {
    const select = `SELECT ${c.columns.map((n) => `"${n}"::text`).join(', ')} FROM`;
    const order = 'ORDER BY "id"::numeric';

    it(`${c.file}: loads every row value by value with default settings, reporting each deviation`, async () => {
      const db = await createTestSchema(`rt_${c.stream}`);
      try {
        const config = writeJson(tempDir(), 'config.json', db.settings);
        const run = await runBin(DEST_POSTGRES, ['--config', config], { input: fixture(c.file) });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, c.states);
        const rows = await db.query(`${select} "${db.schema}"."${c.stream}" ${order}`);
        assert.deepEqual(
          rows.map((r) => Object.values(r)),
          c.postgres,
        );
        expectDefaultReport(c, run.stderr);
      } finally {
        await db.drop();
      }
    });

    it(`${c.file}: with strict_validation dead-letters exactly the deviating records, by line`, async () => {
      const db = await createTestSchema(`rts_${c.stream}`);
      try {
        const states = c.strictStates ?? c.states;
        const { deadLetters } = await runStrict(
          DEST_POSTGRES,
          tempDir(),
          db.settings,
          fixture(c.file),
          states,
        );
        const rows = await db.query<{ id: string }>(
          `SELECT "id"::text AS id FROM "${db.schema}"."${c.stream}" ${order}`,
        );
        assert.deepEqual(
          rows.map((r) => r.id),
          c.postgres.map((r) => r[0]).filter((id) => c.strictIds.includes(id!)),
        );
        expectStrictDeadLetters(c, deadLetters);
      } finally {
        await db.drop();
      }
    });
  }

  it('applies an ACTIVATE_VERSION read before the SCHEMA: the table carries the version of the sync', async () => {
    const db = await createTestSchema('rt_activate');
    try {
      const config = writeJson(tempDir(), 'config.json', db.settings);
      const run = await runBin(DEST_POSTGRES, ['--config', config], {
        input: fixture('activate-version-first.singer'),
      });
      assert.equal(run.code, 0, run.stderr);
      const rows = await db.query(
        `SELECT "id"::text, "_sdc_table_version"::text, "_sdc_deleted_at" FROM "${db.schema}"."orders" ORDER BY "id"`,
      );
      assert.deepEqual(
        rows.map((r) => Object.values(r)),
        [
          ['1', '1576671584120', null],
          ['2', '1576671584120', null],
        ],
      );
    } finally {
      await db.drop();
    }
  });
});

describe('real taps through dest-duckdb', () => {
  for (const c of CASES) {
    const rowsOf = (file: string) => duckdbRows(file, varcharSelect(c.columns, `main."${c.stream}"`, '"id"'));

    it(`${c.file}: loads every row value by value with default settings, reporting each deviation`, async () => {
      const dir = tempDir();
      const config = writeJson(dir, 'config.json', { path: join(dir, 'rt.duckdb') });
      const run = await runBin(DEST_DUCKDB, ['--config', config], { input: fixture(c.file) });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, c.states);
      assert.deepEqual(await rowsOf(join(dir, 'rt.duckdb')), c.duckdb);
      expectDefaultReport(c, run.stderr);
    });

    it(`${c.file}: with strict_validation dead-letters exactly the deviating records, by line`, async () => {
      const dir = tempDir();
      const settings = { path: join(dir, 'rt.duckdb') };
      const { deadLetters } = await runStrict(
        DEST_DUCKDB,
        dir,
        settings,
        fixture(c.file),
        c.strictStates ?? c.states,
      );
      const ids = (await rowsOf(join(dir, 'rt.duckdb'))).map((r) => r[0]);
      assert.deepEqual(
        ids,
        c.duckdb.map((r) => r[0]).filter((id) => c.strictIds.includes(id!)),
      );
      expectStrictDeadLetters(c, deadLetters);
    });
  }
});
