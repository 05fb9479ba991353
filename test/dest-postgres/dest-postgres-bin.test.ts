/** End-to-end: the real `dest-postgres` bin against a real PostgreSQL (see packages/dest-postgres/test/support). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createTestSchema, getTestServer, type TestSchema } from '@singer-dest/dest-postgres/test-server';
import { ROOT, runBin, tempDir, writeJson } from '../cli/support/spawn-bin';

const BIN = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');

after(async () => (await getTestServer()).stop());

const lines = (...messages: object[]) => messages.map((m) => `${JSON.stringify(m)}\n`).join('');
const users = {
  type: 'SCHEMA',
  stream: 'users',
  schema: {
    properties: {
      id: { type: 'integer' },
      name: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
    },
  },
  key_properties: ['id'],
};
const user = (id: unknown, name: string) => ({
  type: 'RECORD',
  stream: 'users',
  record: { id, name, at: '2024-06-01T12:00:00+02:00' },
});
const state = (value: unknown) => ({ type: 'STATE', value });

function configFile(db: TestSchema, extra: Record<string, unknown> = {}): string {
  return writeJson(tempDir(), 'config.json', { ...db.settings, add_record_metadata: false, ...extra });
}

describe('dest-postgres bin', () => {
  it('loads records, upserting by key, and prints each STATE only after its rows are committed', async () => {
    const db = await createTestSchema('bin_load');
    try {
      const result = await runBin(BIN, ['--config', configFile(db)], {
        input: lines(
          users,
          user(1, 'Ada'),
          user(2, 'Grace'),
          state({ users: 2 }),
          user(1, 'Ada L.'),
          state({ users: 3 }),
        ),
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '{"users":3}\n');
      const summary = result.stderr.split('\n').find((l) => l.includes('"summary"'));
      assert.match(
        JSON.parse(summary!).msg,
        new RegExp(`; \\d+\\.\\d s\\. Written to ${db.schema}\\.users\\.$`),
      );
      const rows = await db.query(`SELECT id::int, name, at::text FROM "${db.schema}".users ORDER BY id`);
      assert.deepEqual(rows, [
        { id: 1, name: 'Ada L.', at: '2024-06-01 10:00:00+00' },
        { id: 2, name: 'Grace', at: '2024-06-01 10:00:00+00' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('exits 1 naming the stream, line range and PostgreSQL error of a failed batch, after only the earlier states', async () => {
    const db = await createTestSchema('bin_fail');
    try {
      // The table's "at" column is inet (made by another tool): a type dest-postgres leaves to PostgreSQL to parse.
      await db.query(`CREATE TABLE "${db.schema}".users (id bigint PRIMARY KEY, name text, at inet)`);
      const host = (id: number, at: string) => ({
        type: 'RECORD',
        stream: 'users',
        record: { id, name: 'x', at },
      });
      const result = await runBin(BIN, ['--config', configFile(db, { batch_size_rows: 2 })], {
        input: lines(
          { ...users, schema: { properties: { ...users.schema.properties, at: { type: 'string' } } } },
          host(1, '10.0.0.1'),
          host(2, '10.0.0.2'),
          state('after-2'),
          host(3, '10.0.0.3'),
          host(4, 'four'),
          state('after-4'),
        ),
      });
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '"after-2"\n');
      assert.match(
        result.stderr,
        /Export of batch 2 failed \(stream \\?"users\\?", 2 records from stdin lines 5-6\): PostgreSQL error 22P02: invalid input syntax for type inet/,
      );
      assert.match(
        result.stderr,
        /at input line 6 \(column at\)\. The transaction was rolled back: no row of this batch was written/,
      );
      assert.deepEqual(await db.query(`SELECT id::int FROM "${db.schema}".users ORDER BY id`), [
        { id: 1 },
        { id: 2 },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('refuses a value its column cannot hold as it is read, so invalid_record_policy applies to that record alone', async () => {
    const db = await createTestSchema('bin_readcheck');
    try {
      const deadLetters = join(tempDir(), 'dead.jsonl');
      const input = lines(users, user(1, 'a'), user('four', 'd'), user(3, 'c'), state('s1'));
      const failed = await runBin(BIN, ['--config', configFile(db, { validate_records: false })], { input });
      assert.equal(failed.code, 1);
      assert.equal(failed.stdout, '');
      assert.match(
        failed.stderr,
        /stdin line 3: RECORD for stream \\?"users\\?" was rejected by the destination: property \\?"id\\?" is a string, not an integer, so its bigint column cannot hold it/,
      );
      const config = configFile(db, {
        validate_records: false,
        invalid_record_policy: 'dead_letter',
        dead_letter_path: deadLetters,
      });
      const result = await runBin(BIN, ['--config', config], { input });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '"s1"\n');
      assert.deepEqual(await db.query(`SELECT id::int, name FROM "${db.schema}".users ORDER BY id`), [
        { id: 1, name: 'a' },
        { id: 3, name: 'c' },
      ]);
      const dead = readFileSync(deadLetters, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(dead.length, 1);
      assert.equal(dead[0]!.line, 3);
      assert.equal(dead[0]!.code, 'ERR_RECORD_REJECTED');
    } finally {
      await db.drop();
    }
  });

  it('rejects a NUL character with exit 1 and the line it is on', async () => {
    const db = await createTestSchema('bin_nul');
    try {
      const result = await runBin(BIN, ['--config', configFile(db)], {
        input: lines(users, user(1, 'a'), user(2, 'nul\u0000')),
      });
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.match(
        result.stderr,
        /stdin line 3: RECORD for stream \\?"users\\?" was rejected by the destination: property \\?"name\\?" contains a NUL character/,
      );
    } finally {
      await db.drop();
    }
  });

  it('--test-connection reports the server version and the schema it can create tables in', async () => {
    const db = await createTestSchema('bin_check');
    try {
      const result = await runBin(BIN, ['--config', configFile(db), '--test-connection']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout + result.stderr,
        new RegExp(`connected to PostgreSQL \\d+.* can create tables in schema \\\\?"${db.schema}\\\\?"`),
      );
    } finally {
      await db.drop();
    }
  });
});
