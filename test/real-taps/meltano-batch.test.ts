/**
 * End-to-end: a Meltano SDK tap run with `batch_config` (singer_sdk/streams/core.py `_sync_batches`: SCHEMA, then
 * per chunk a BATCH naming one file and a STATE), gzip and plain jsonl manifests, beside a stream sent as RECORD
 * lines, through the real dest-csv and dest-postgres bins, asserted row by row with the exact state printed and
 * each record's `_sdc_sequence` place: a batch file's records come right after their BATCH line.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createTestSchema, getTestServer } from '@singer-dest/dest-postgres/test-server';
import { DEST_CSV, ROOT, runBin, tempDir, writeJson } from '../cli/support/spawn-bin';
import { batchDir, batchLine } from '../reliability/support/batch-files';

const DEST_POSTGRES = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');

after(async () => (await getTestServer()).stop());

/** The SCHEMA a Meltano SDK tap writes (draft 2020-12 `$schema`, nullable types as lists, bookmark properties). */
const USERS_SCHEMA = JSON.stringify({
  type: 'SCHEMA',
  stream: 'users',
  schema: {
    properties: {
      id: { type: ['integer'] },
      name: { type: ['string', 'null'] },
      balance: { type: ['number', 'null'] },
      big: { type: ['integer', 'null'] },
      updated_at: { format: 'date-time', type: ['string', 'null'] },
    },
    type: 'object',
    required: ['id'],
    $schema: 'https://json-schema.org/draft/2020-12/schema',
  },
  key_properties: ['id'],
  bookmark_properties: ['updated_at'],
});
const ORDERS_SCHEMA = JSON.stringify({
  type: 'SCHEMA',
  stream: 'orders',
  schema: { properties: { id: { type: ['integer'] } }, type: 'object' },
  key_properties: ['id'],
});
const bookmark = (at: string) =>
  JSON.stringify({
    type: 'STATE',
    value: { bookmarks: { users: { replication_key: 'updated_at', replication_key_value: at } } },
  });

/** serialize_json's compact records, as the tap's batch files hold them. */
const user = (id: number, name: string | null, at: string, extra = '"balance":null,"big":null') =>
  `{"id":${id},"name":${JSON.stringify(name)},${extra},"updated_at":"${at}"}`;

/**
 * The run's input and what each record's place is. Line 2's file takes places 3-5 (so line 3 is 6), line 4's two
 * files 8 and 9 (line 5 is 10), and the RECORD at line 7 is 12.
 */
function tapRun(): string {
  const dir = batchDir();
  const first = [
    user(
      1,
      'Ada',
      '2024-06-01T10:00:00+00:00',
      '"balance":12345678901234567890.125,"big":9223372036854775807',
    ),
    user(2, 'Zoë 😀', '2024-06-01T10:00:01+00:00'),
    user(3, null, '2024-06-01T10:00:02+00:00', '"balance":-0.5,"big":-9223372036854775808'),
  ];
  const second = [
    [user(4, 'Dan', '2024-06-01T10:00:03+00:00')],
    [user(2, 'Zoë (updated)', '2024-06-01T10:00:04+00:00')],
  ];
  return [
    USERS_SCHEMA,
    batchLine(dir, 'users', [first]),
    bookmark('2024-06-01T10:00:02+00:00'),
    batchLine(dir, 'users', second, 'none'),
    bookmark('2024-06-01T10:00:04+00:00'),
    ORDERS_SCHEMA,
    JSON.stringify({ type: 'RECORD', stream: 'orders', record: { id: 7 } }),
    '{"type":"STATE","value":{"bookmarks":{"users":{"replication_key":"updated_at","replication_key_value":"2024-06-01T10:00:04+00:00"},"orders":{}}}}',
  ]
    .map((l) => `${l}\n`)
    .join('');
}

/**
 * What is printed: at the end of input users' batch is exported first (its records are the oldest), which makes
 * line 5's STATE safe, then orders', which makes the last one safe.
 */
const STATES =
  '{"bookmarks":{"users":{"replication_key":"updated_at","replication_key_value":"2024-06-01T10:00:04+00:00"}}}\n' +
  '{"bookmarks":{"users":{"replication_key":"updated_at","replication_key_value":"2024-06-01T10:00:04+00:00"},"orders":{}}}\n';

/** Places of the users records in load order (ids 1, 2, 3, 4, 2). */
const USER_PLACES = [3, 4, 5, 8, 9];

describe('Meltano SDK BATCH messages through the bins', () => {
  it('dest-csv loads every record of gzip and plain manifests in input order, with the exact state', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'config.json', {
      output_path: join(dir, 'out'),
      add_record_metadata: true,
    });
    const run = await runBin(DEST_CSV, ['--config', config], { input: tapRun() });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, STATES);
    const rows = parse<Record<string, string>>(readFileSync(join(dir, 'out', 'users.csv')), {
      columns: true,
      bom: true,
    });
    assert.deepEqual(
      rows.map((r) => [r.id, r.name, r.balance, r.big, r.updated_at]),
      [
        ['1', 'Ada', '12345678901234567890.125', '9223372036854775807', '2024-06-01T10:00:00+00:00'],
        ['2', 'Zoë 😀', '', '', '2024-06-01T10:00:01+00:00'],
        ['3', '', '-0.5', '-9223372036854775808', '2024-06-01T10:00:02+00:00'],
        ['4', 'Dan', '', '', '2024-06-01T10:00:03+00:00'],
        ['2', 'Zoë (updated)', '', '', '2024-06-01T10:00:04+00:00'],
      ],
    );
    const sequence = rows.map((r) => BigInt(r._sdc_sequence!));
    const start = sequence[0]! - BigInt(USER_PLACES[0]!);
    assert.deepEqual(
      sequence.map((s) => Number(s - start)),
      USER_PLACES,
    );
    const orders = parse<Record<string, string>>(readFileSync(join(dir, 'out', 'orders.csv')), {
      columns: true,
    });
    assert.deepEqual(
      orders.map((r) => [r.id, Number(BigInt(r._sdc_sequence!) - start)]),
      [['7', 12]],
    );
  });

  it('dest-postgres upserts them, the later record of a key winning across files, with the exact state', async () => {
    const db = await createTestSchema('meltanobatch');
    try {
      const config = writeJson(tempDir(), 'config.json', db.settings);
      const run = await runBin(DEST_POSTGRES, ['--config', config], { input: tapRun() });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, STATES);
      const rows = await db.query<Record<string, string | null>>(
        `SELECT id::text, name, balance::text, big::text, updated_at::text, _sdc_sequence::text AS seq
           FROM "${db.schema}".users ORDER BY id`,
      );
      const start = BigInt(rows[0]!.seq!) - 3n;
      assert.deepEqual(
        rows.map((r) => ({ ...r, seq: Number(BigInt(r.seq!) - start) })),
        [
          { id: '1', name: 'Ada', balance: '12345678901234567890.125', big: '9223372036854775807', updated_at: '2024-06-01 10:00:00+00', seq: 3 },
          { id: '2', name: 'Zoë (updated)', balance: null, big: null, updated_at: '2024-06-01 10:00:04+00', seq: 9 },
          { id: '3', name: null, balance: '-0.5', big: '-9223372036854775808', updated_at: '2024-06-01 10:00:02+00', seq: 5 },
          { id: '4', name: 'Dan', balance: null, big: null, updated_at: '2024-06-01 10:00:03+00', seq: 8 },
        ], // prettier-ignore
      );
      const orders = await db.query<{ id: string; seq: string }>(
        `SELECT id::text, _sdc_sequence::text AS seq FROM "${db.schema}".orders`,
      );
      assert.deepEqual(
        orders.map((r) => [r.id, Number(BigInt(r.seq) - start)]),
        [['7', 12]],
      );
    } finally {
      await db.drop();
    }
  });
});
