/**
 * The state guarantee through the real `dest-postgres` bin, with exports that are slow (a table locked by another
 * session) and fail (a CHECK constraint), and an age timer that flushes a stream while the reader waits.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { createTestSchema, getTestServer } from '@singer-dest/dest-postgres/test-server';
import { collect, ROOT, startBin, tempDir, writeJson } from '../cli/support/spawn-bin';

const BIN = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');

after(async () => (await getTestServer()).stop());

const schemaOf = (stream: string) => ({
  type: 'SCHEMA',
  stream,
  schema: { properties: { id: { type: 'integer' }, v: { type: 'integer' } } },
  key_properties: ['id'],
});
const row = (stream: string, id: number, v = 1) => ({ type: 'RECORD', stream, record: { id, v } });

describe('dest-postgres: the state guarantee under slow and failing exports', () => {
  it('never prints a STATE while an earlier record of another stream, flushed by its age timer, is still loading (and then fails)', async () => {
    const db = await createTestSchema('state_guarantee');
    try {
      const table = (name: string) => `"${db.schema}".${name}`;
      await db.query(`CREATE TABLE ${table('p')} (id bigint PRIMARY KEY, v bigint)`);
      await db.query(`CREATE TABLE ${table('q')} (id bigint PRIMARY KEY, v bigint)`);
      await db.query(`CREATE TABLE ${table('r')} (id bigint PRIMARY KEY, v bigint CHECK (v > 0))`);
      // Another session holds p: p's export waits (reads of the catalog still work).
      await db.query('BEGIN');
      await db.query(`LOCK TABLE ${table('p')} IN EXCLUSIVE MODE`);
      const config = writeJson(tempDir(), 'config.json', {
        ...db.settings,
        add_record_metadata: false,
        activate_version: false,
        batch_size_rows: 3,
        batch_wait_limit_seconds: 1,
      });
      const child = startBin(BIN, ['--config', config]);
      const result = collect(child);
      const input = [
        schemaOf('p'), // 1
        schemaOf('q'), // 2
        schemaOf('r'), // 3
        row('p', 1), // 4
        row('p', 2), // 5
        row('p', 3), // 6: p flushes; its export waits for the lock
        row('r', 1, -1), // 7: buffered; its export will break r's CHECK
        { type: 'STATE', value: { at: 8 } }, // 8: promises that line 7 is stored
        row('q', 1), // 9
        row('q', 2), // 10
        row('q', 3), // 11: q flushes, and the reader waits for p
      ];
      child.stdin.on('error', () => undefined);
      child.stdin.write(input.map((m) => `${JSON.stringify(m)}\n`).join(''));
      // r's one-second timer flushes r while p still waits; then p gets its table.
      await sleep(2500);
      assert.equal(result.stdout(), '', 'no state while p is loading');
      await db.query('COMMIT');
      child.stdin.end();
      const { code, stdout, stderr } = await result;
      assert.equal(stdout, '', 'the line-8 state promised line 7, whose export failed');
      assert.equal(code, 1, stderr);
      assert.match(stderr, /stream \\?"r\\?"/);
      assert.match(stderr, /check constraint/i);
      assert.deepEqual(await db.query(`SELECT count(*)::int AS n FROM ${table('p')}`), [{ n: 3 }]);
      assert.deepEqual(await db.query(`SELECT count(*)::int AS n FROM ${table('r')}`), [{ n: 0 }]);
    } finally {
      await db.query('ROLLBACK').catch(() => undefined);
      await db.drop();
    }
  });
});

describe('dest-postgres: an identical SCHEMA re-sent mid-batch', () => {
  it('loads an integer beyond 64 bits read before the repeat (the widening travels with the batch)', async () => {
    const db = await createTestSchema('repeat_schema');
    try {
      const config = writeJson(tempDir(), 'config.json', { ...db.settings, add_record_metadata: false });
      const counts = JSON.stringify({
        type: 'SCHEMA',
        stream: 'counts',
        schema: { properties: { id: { type: 'integer' }, n: { type: 'integer' } } },
        key_properties: ['id'],
      });
      const input = [
        counts,
        '{"type":"RECORD","stream":"counts","record":{"id":1,"n":99999999999999999999}}',
        counts, // taps re-send SCHEMAs routinely
        '{"type":"RECORD","stream":"counts","record":{"id":2,"n":5}}',
        '{"type":"STATE","value":{"counts":2}}',
      ];
      const child = startBin(BIN, ['--config', config]);
      const result = collect(child);
      child.stdin.end(input.map((l) => `${l}\n`).join(''));
      const { code, stdout, stderr } = await result;
      assert.equal(code, 0, stderr);
      assert.equal(stdout, '{"counts":2}\n');
      assert.deepEqual(await db.query(`SELECT id::int, n::text FROM "${db.schema}".counts ORDER BY id`), [
        { id: 1, n: '99999999999999999999' },
        { id: 2, n: '5' },
      ]);
    } finally {
      await db.drop();
    }
  });
});
