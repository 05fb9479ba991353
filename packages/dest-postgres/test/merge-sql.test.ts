import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mergeStatements, mergeWorkMemStatement, type MergePlan } from '../src/merge-sql';
import { createTestSchema, getTestServer } from './support/test-server';

const base: MergePlan = {
  target: { schema: 'raw', table: 'users' },
  columns: ['id', 'name'],
  parameterColumn: undefined,
  keys: ['id'],
  mode: 'upsert',
  uniqueIndex: true,
  rowColumn: '_SDC_ROW',
  deleteFlag: undefined,
};

describe('merge statements', () => {
  it('appends with one INSERT ... SELECT, filling the batch time from $1', () => {
    assert.deepEqual(mergeStatements({ ...base, mode: 'append', parameterColumn: '_sdc_batched_at' }), [
      'INSERT INTO "raw"."users" ("id", "name", "_sdc_batched_at") SELECT s."id", s."name", $1 FROM "_sdc_stage" s',
    ]);
  });

  it('upserts the last staged row per key with ON CONFLICT DO UPDATE', () => {
    assert.deepEqual(mergeStatements(base), [
      'INSERT INTO "raw"."users" ("id", "name") SELECT s."id", s."name" FROM (SELECT DISTINCT ON ("id") * FROM ' +
        '"_sdc_stage" ORDER BY "id", "_SDC_ROW" DESC) s ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name"',
    ]);
  });

  it('converts with to_jsonb a column staged as plain values that the table holds as jsonb', () => {
    assert.deepEqual(mergeStatements({ ...base, mode: 'append', toJsonb: ['name'] }), [
      'INSERT INTO "raw"."users" ("id", "name") SELECT s."id", to_jsonb(s."name") FROM "_sdc_stage" s',
    ]);
  });

  it('deletes by key and inserts when the table has no unique index on the keys', () => {
    const statements = mergeStatements({ ...base, uniqueIndex: false });
    assert.equal(statements.length, 2);
    assert.equal(statements[0], 'DELETE FROM "raw"."users" t USING "_sdc_stage" s WHERE t."id" = s."id"');
    assert.match(
      statements[1]!,
      /^INSERT INTO "raw"\."users" .* FROM \(SELECT DISTINCT ON \("id"\) \* .*\) s$/,
    );
  });

  it('deletes rows whose last staged record is a CDC delete and inserts only the others', () => {
    const statements = mergeStatements({ ...base, deleteFlag: '_SDC_DELETE' });
    assert.match(
      statements[0]!,
      /^DELETE FROM "raw"\."users" t USING \(SELECT DISTINCT ON .*\) s WHERE s\."_SDC_DELETE" AND t\."id" = s\."id"$/,
    );
    assert.match(
      statements[1]!,
      / WHERE NOT s\."_SDC_DELETE" ON CONFLICT \("id"\) DO UPDATE SET "name" = EXCLUDED\."name"$/,
    );
  });

  it('does nothing on conflict when every column is a key', () => {
    assert.match(mergeStatements({ ...base, columns: ['id'] })[0]!, /ON CONFLICT \("id"\) DO NOTHING$/);
  });
});

describe('the merge work_mem', () => {
  after(async () => (await getTestServer()).stop());

  it('is twice the staged text plus the default for the transaction only, never below the session setting', async () => {
    const db = await createTestSchema('workmem');
    try {
      await db.query("SET work_mem = '4MB'");
      await db.query('BEGIN');
      await db.query(mergeWorkMemStatement(10 * 1024 * 1024));
      assert.deepEqual(await db.query('SHOW work_mem'), [{ work_mem: '24MB' }]);
      await db.query('COMMIT');
      assert.deepEqual(await db.query('SHOW work_mem'), [{ work_mem: '4MB' }]);
      // A session that already allows more keeps it.
      await db.query("SET work_mem = '1GB'");
      await db.query('BEGIN');
      await db.query(mergeWorkMemStatement(1024));
      assert.deepEqual(await db.query('SHOW work_mem'), [{ work_mem: '1GB' }]);
      await db.query('COMMIT');
    } finally {
      await db.drop();
    }
  });
});
