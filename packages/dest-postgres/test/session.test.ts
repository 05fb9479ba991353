import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createMemoryLogger } from '@singer-dest/sdk/testing';
import { isTransientConflict, Session } from '../src/session';
import { configOf } from './support/run';
import { createTestSchema, getTestServer } from './support/test-server';

after(async () => (await getTestServer()).stop());

describe('session conflicts', () => {
  it('treats deadlocks, serialization failures and catalog unique violations as worth a rerun, nothing else', () => {
    assert.equal(isTransientConflict({ code: '40P01' }), true);
    assert.equal(isTransientConflict({ code: '40001' }), true);
    assert.equal(isTransientConflict({ code: '23505', constraint: 'pg_namespace_nspname_index' }), true);
    assert.equal(isTransientConflict({ code: '23505', constraint: 'users_pkey' }), false);
    assert.equal(isTransientConflict({ code: '23514' }), false);
    assert.equal(isTransientConflict(new Error('boom')), false);
  });

  it('runs a transaction again after PostgreSQL aborted it for a deadlock, and logs why', async () => {
    const db = await createTestSchema('session_deadlock');
    const { logger, entries } = createMemoryLogger();
    const session = new Session(configOf(db.settings), logger, () => undefined);
    try {
      let attempts = 0;
      const result = await session.inTransaction('batch 1', async (client) => {
        attempts++;
        await client.query(`CREATE TABLE "${db.schema}".t${attempts} (id int)`);
        if (attempts === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        return attempts;
      });
      assert.equal(result, 2);
      // The first attempt was rolled back: its table is gone.
      assert.deepEqual(
        await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [db.schema]),
        [{ tablename: 't2' }],
      );
      assert.ok(entries.some((e) => e.level === 'warn' && /rolled back batch 1/.test(e.msg)));
    } finally {
      await session.close();
      await db.drop();
    }
  });
});
