import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { Client } from 'pg';
import type { Logger } from '@singer-dest/sdk';
import { lockKeys } from '../src/table-locks';
import { TableManager } from '../src/table-manager';
import { qualify, quoteIdent } from '../src/identifiers';
import { createTestSchema, getTestServer, type TestSchema } from './support/test-server';
import { load, NO_METADATA, record, schema, state } from './support/run';

after(async () => (await getTestServer()).stop());

/** A second connection of the test, standing in for another dest-postgres process. */
async function otherSession(db: TestSchema): Promise<Client> {
  const client = new Client({
    host: db.server.host,
    port: db.server.port,
    user: db.server.user,
    password: db.server.password,
    database: db.server.database,
  });
  await client.connect();
  return client;
}

const messages = [
  schema('t', { id: { type: 'integer' }, v: { type: 'string' } }, ['id']),
  record('t', { id: 1, v: 'a' }),
  state('s1'),
];

describe('DDL locks', () => {
  it('lockKeys gives a stable key per purpose and name', () => {
    assert.deepEqual(lockKeys('table-ddl', '"raw"."users"'), lockKeys('table-ddl', '"raw"."users"'));
    assert.notDeepEqual(lockKeys('table-ddl', '"raw"."users"'), lockKeys('table-merge', '"raw"."users"'));
    assert.notDeepEqual(lockKeys('table-ddl', '"raw"."users"'), lockKeys('table-ddl', '"raw"."orders"'));
    assert.equal(lockKeys('schema-ddl', '"raw"')[0], 0x53440003);
  });

  it('waits for another session holding the table DDL lock, then re-reads the table it created instead of creating it again', async () => {
    const db = await createTestSchema('lock_table');
    const other = await otherSession(db);
    try {
      await other.query('BEGIN');
      await other.query(
        'SELECT pg_advisory_xact_lock($1::int4, $2::int4)',
        lockKeys('table-ddl', qualify(db.schema, 't')),
      );
      let finished = false;
      const run = load(db, messages, NO_METADATA).finally(() => (finished = true));
      await sleep(400);
      assert.equal(finished, false, 'the load went on while another session held the DDL lock');
      // The other session creates the table (with a column of its own) and commits, releasing the lock.
      await other.query(
        `CREATE TABLE ${qualify(db.schema, 't')} (id bigint PRIMARY KEY, v text, extra text)`,
      );
      await other.query('COMMIT');
      const result = await run;
      assert.equal(result.error, undefined);
      assert.deepEqual(result.states, ['s1']);
      assert.deepEqual(await db.query(`SELECT id::int, v, extra FROM ${qualify(db.schema, 't')}`), [
        { id: 1, v: 'a', extra: null },
      ]);
    } finally {
      await other.end();
      await db.drop();
    }
  });

  it('waits for another session holding the schema lock, then finds the schema it created', async () => {
    const db = await createTestSchema('lock_schema');
    const target = `${db.schema}_new`;
    const other = await otherSession(db);
    try {
      await other.query('BEGIN');
      await other.query(
        'SELECT pg_advisory_xact_lock($1::int4, $2::int4)',
        lockKeys('schema-ddl', quoteIdent(target)),
      );
      await other.query(`CREATE SCHEMA ${quoteIdent(target)}`);
      let finished = false;
      const run = load(db, messages, { ...NO_METADATA, default_target_schema: target }).finally(
        () => (finished = true),
      );
      await sleep(400);
      assert.equal(finished, false, 'the load went on while another session held the schema lock');
      await other.query('COMMIT');
      const result = await run;
      assert.equal(result.error, undefined);
      assert.deepEqual(await db.query(`SELECT id::int, v FROM ${qualify(target, 't')}`), [{ id: 1, v: 'a' }]);
    } finally {
      await other.query(`DROP SCHEMA IF EXISTS ${quoteIdent(target)} CASCADE`);
      await other.end();
      await db.drop();
    }
  });

  it('8 loads started at once into a new schema create it and the table once, and load every row', async () => {
    const db = await createTestSchema('lock_race');
    const target = `${db.schema}_new`;
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, p) =>
          load(
            db,
            [
              schema(
                't',
                { id: { type: 'integer' }, v: { type: 'string' }, [`c${p}`]: { type: 'integer' } },
                ['id'],
              ),
              record('t', { id: p, v: `p${p}`, [`c${p}`]: p }),
              state(`p${p}`),
            ],
            { ...NO_METADATA, default_target_schema: target },
          ),
        ),
      );
      results.forEach((result, p) => {
        assert.equal(result.error, undefined, `load ${p}: ${String(result.error)}`);
        assert.deepEqual(result.states, [`p${p}`]);
      });
      const rows = await db.query<{ id: number; v: string }>(
        `SELECT id::int, v FROM ${qualify(target, 't')} ORDER BY id`,
      );
      assert.deepEqual(
        rows,
        Array.from({ length: 8 }, (_, p) => ({ id: p, v: `p${p}` })),
      );
      const columns = await db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM information_schema.columns WHERE table_schema = $1 AND table_name = 't'`,
        [target],
      );
      assert.deepEqual(columns, [{ n: '10' }]);
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(target)} CASCADE`);
      await db.drop();
    }
  });
});

describe('pinForLoad', () => {
  it('takes the table DDL lock shared and reads the table as committed once the lock is granted, in one round trip', async () => {
    const db = await createTestSchema('pin_for_load');
    const loading = await otherSession(db);
    const other = await otherSession(db);
    // A name that needs quoting both as an identifier and as a literal.
    const name = { schema: db.schema, table: `it's "odd"` };
    const table = qualify(name.schema, name.table);
    try {
      await db.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, v text)`);
      const tables = new TableManager({ info: () => undefined } as unknown as Logger);
      // Another process's DDL: it holds the exclusive lock and adds a column, not yet committed.
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1::int4, $2::int4)', lockKeys('table-ddl', table));
      await other.query(`ALTER TABLE ${table} ADD COLUMN extra text`);
      let queries = 0;
      const query = loading.query.bind(loading);
      loading.query = ((...args: Parameters<Client['query']>) => {
        queries++;
        return query(...args);
      }) as Client['query'];
      await loading.query('BEGIN');
      queries = 0;
      let finished = false;
      const pinned = tables.pinForLoad(loading, name).finally(() => (finished = true));
      await sleep(400);
      assert.equal(finished, false, 'the load read the table while another session held its DDL lock');
      await other.query('COMMIT');
      const info = await pinned;
      assert.equal(queries, 1);
      assert.deepEqual(
        [...info.columns].map(([column, { kind, sqlType }]) => [column, kind, sqlType]),
        [
          ['id', 'bigint', 'bigint'],
          ['v', 'text', 'text'],
          ['extra', 'text', 'text'],
        ],
      );
      assert.deepEqual(info.uniqueKeys, [['id']]);
      // Held shared until the load's transaction ends: DDL cannot take it, another load can.
      const keys = lockKeys('table-ddl', table);
      await other.query('BEGIN');
      const exclusive = await other.query<{ got: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1::int4, $2::int4) AS got',
        keys,
      );
      const shared = await other.query<{ got: boolean }>(
        'SELECT pg_try_advisory_xact_lock_shared($1::int4, $2::int4) AS got',
        keys,
      );
      await other.query('COMMIT');
      assert.deepEqual([exclusive.rows[0]?.got, shared.rows[0]?.got], [false, true]);
      await loading.query('COMMIT');
    } finally {
      await loading.end();
      await other.end();
      await db.drop();
    }
  });
});
