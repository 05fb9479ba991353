/** End-to-end: the real `dest-duckdb` bin, its default database file, --about, and a file another process holds. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { collect, ROOT, runBin, startBin, tempDir, writeJson } from '../cli/support/spawn-bin';
import { writeBatchFiles } from '@singer-dest/sdk/testing';
import { batchDir } from '../reliability/support/batch-files';

const BIN = join(ROOT, 'packages', 'dest-duckdb', 'bin', 'dest-duckdb.js');

const lines = (...messages: object[]) => messages.map((m) => `${JSON.stringify(m)}\n`).join('');
const users = {
  type: 'SCHEMA',
  stream: 'users',
  schema: { properties: { id: { type: 'integer' }, name: { type: 'string' } } },
  key_properties: ['id'],
};
const user = (id: number, name: string) => ({ type: 'RECORD', stream: 'users', record: { id, name } });

async function rowsOf(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    connection.closeSync();
    return rows;
  } finally {
    instance.closeSync();
  }
}

describe('dest-duckdb bin', () => {
  it('with no config loads ./output.duckdb in the working directory and prints the last STATE', async () => {
    const cwd = tempDir();
    const result = await runBin(BIN, [], {
      cwd,
      input: lines(users, user(1, 'Ada'), user(2, 'Grace'), user(1, 'Ada L.'), {
        type: 'STATE',
        value: { n: 3 },
      }),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '{"n":3}\n');
    assert.deepEqual(
      await rowsOf(join(cwd, 'output.duckdb'), 'SELECT id::INT id, name FROM users ORDER BY id'),
      [
        { id: 1, name: 'Ada L.' },
        { id: 2, name: 'Grace' },
      ],
    );
  });

  it('--about lists the target-duckdb settings and the capabilities', async () => {
    const result = await runBin(BIN, ['--about', '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const about = JSON.parse(result.stdout) as {
      settings: { properties: Record<string, unknown> };
      capabilities: string[];
    };
    for (const name of [
      'path',
      'filepath',
      'default_target_schema',
      'add_record_metadata',
      'load_method',
      'hard_delete',
      'activate_version',
      'unbounded_numbers_as_text',
      'parquet_path',
      'parquet_partition_by',
    ]) {
      assert.ok(name in about.settings.properties, `--about lacks ${name}`);
    }
    assert.deepEqual(
      ['activate-version', 'hard-delete', 'soft-delete', 'target-schema'].filter((c) =>
        about.capabilities.includes(c),
      ),
      ['activate-version', 'hard-delete', 'soft-delete', 'target-schema'],
    );
  });

  it('fails at once, naming the file, when another process holds the database, without reading stdin', async () => {
    const dir = tempDir();
    const file = join(dir, 'held.duckdb');
    // Another process opens the file and keeps it open (DuckDB takes an exclusive lock on it).
    const holder = spawn(process.execPath, [
      '-e',
      `require(${JSON.stringify(require.resolve('@duckdb/node-api'))}).DuckDBInstance.create(${JSON.stringify(file)}).then(() => { console.log('holding'); setInterval(() => {}, 1000); });`,
    ]);
    try {
      await once(holder.stdout, 'data');
      const child = startBin(BIN, ['--config', writeJson(dir, 'config.json', { path: file })]);
      const result = collect(child); // stdin stays open and empty: the run must not wait for input
      const { code, stdout, stderr } = await result;
      assert.equal(code, 1, stderr);
      assert.equal(stdout, '');
      assert.match(
        stderr,
        new RegExp(`Cannot open the DuckDB file ${file.replace(/[.]/g, '\\.')}: .*lock.*Another process`),
      );
      child.stdin.destroy();
    } finally {
      holder.kill('SIGKILL');
    }
    assert.equal(existsSync(file), true);
  });

  describe('a load DuckDB refuses names where the record was read', () => {
    // RFC 3339 (and so the SDK's date-time check) allows a leap second; DuckDB's TIMESTAMPTZ has none.
    const events = {
      type: 'SCHEMA',
      stream: 'events',
      schema: { properties: { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } } },
      key_properties: [],
    };
    const event = (id: number, at: string) => JSON.stringify({ id, at });
    const load = async (input: string) => {
      const dir = tempDir();
      const file = join(dir, 'refused.duckdb');
      const result = await runBin(BIN, ['--config', writeJson(dir, 'config.json', { path: file })], {
        input,
      });
      // The error as the CLI logs it (a JSON line on stderr).
      const logged = result.stderr
        .split('\n')
        .filter((l) => l.includes('ERR_DUCKDB_LOAD_FAILED'))
        .map((l) => JSON.parse(l) as { msg: string })[0];
      return { ...result, file, message: logged?.msg ?? '' };
    };

    it('a record of a BATCH file: the BATCH line, the file and the line within it', async () => {
      const batch = writeBatchFiles(batchDir(), 'events', [
        [
          event(1, '2016-12-31T23:59:59Z'),
          event(2, '2016-12-31T23:59:59.5Z'),
          event(3, '2016-12-31T23:59:60Z'),
        ],
      ]);
      const { code, stdout, stderr, file, message } = await load(
        lines(events, batch, { type: 'STATE', value: { n: 3 } }),
      );
      assert.equal(code, 1, stderr);
      assert.equal(stdout, '');
      assert.ok(
        message.endsWith(
          'Conversion Error: invalid timestamp field format: "2016-12-31T23:59:60Z", expected format is ' +
            '(YYYY-MM-DD HH:MM:SS[.US][±HH[:MM[:SS]]| ZONE]) when casting from source column while loading ' +
            `the record at input line 2 (BATCH for stream "events"), ${batch.manifest[0]} line 3 into ` +
            '"main"."events". The transaction was rolled back: no row of this batch was written. No STATE after ' +
            'the records of this batch was written; fix the cause and rerun from the last emitted state.',
        ),
        message,
      );
      assert.deepEqual(await rowsOf(file, 'SELECT count(*)::INT n FROM events'), [{ n: 0 }]);
    });

    it('a RECORD line after a BATCH in the same batch: its own line', async () => {
      const batch = writeBatchFiles(batchDir(), 'events', [[event(1, '2016-12-31T23:59:59Z')]]);
      const record = { type: 'RECORD', stream: 'events', record: { id: 2, at: '2016-12-31T23:59:60Z' } };
      const { code, stderr, message } = await load(lines(events, batch, record));
      assert.equal(code, 1, stderr);
      assert.match(
        message,
        /when casting from source column while loading the record at input line 3 into "main"\."events"\./,
      );
    });
  });
});
