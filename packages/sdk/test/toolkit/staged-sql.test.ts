import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  activateVersionSql,
  ExactNumber,
  inTransaction,
  keyOnlyFillStatements,
  mergeStagedStatements,
  plainNumberText,
  quoteIdent,
  quoteText,
} from '../../src/index';

describe('staged SQL', () => {
  it('quotes identifiers and text by doubling their quote', () => {
    assert.equal(quoteIdent('a"b c'), '"a""b c"');
    assert.equal(quoteText("it's"), "'it''s'");
  });

  it('fills key-only deletes from the batch first, then from the table, comparing keys as asked', () => {
    const fill = {
      stage: '"_sdc_rows"',
      target: '"main"."users"',
      keys: ['id'],
      rowColumn: '_sdc_row',
      flag: '_sdc_key_only',
      kept: ['name'],
      keptWhenNull: ['_sdc_received_at'],
    };
    assert.deepEqual(keyOnlyFillStatements({ ...fill, nullKeysMatch: true }), [
      'UPDATE "_sdc_rows" s SET "name" = f."name", "_sdc_received_at" = COALESCE(s."_sdc_received_at", ' +
        'f."_sdc_received_at"), "_sdc_key_only" = false FROM (SELECT DISTINCT ON ("id") * FROM "_sdc_rows" WHERE ' +
        'NOT "_sdc_key_only" ORDER BY "id", "_sdc_row" DESC) f WHERE s."_sdc_key_only" AND f."id" IS NOT ' +
        'DISTINCT FROM s."id" AND f."_sdc_row" < s."_sdc_row"',
      'UPDATE "_sdc_rows" s SET "name" = t."name", "_sdc_received_at" = COALESCE(s."_sdc_received_at", ' +
        't."_sdc_received_at") FROM "main"."users" t WHERE s."_sdc_key_only" AND t."id" IS NOT DISTINCT FROM s."id"',
    ]);
    const [, fromTable] = keyOnlyFillStatements(fill);
    assert.match(fromTable ?? '', /WHERE s\."_sdc_key_only" AND t\."id" = s\."id"$/);
    assert.equal(keyOnlyFillStatements({ ...fill, kept: [], keptWhenNull: [] }).length, 1);
  });

  const merge = {
    stage: '"_sdc_rows"',
    target: '"main"."users"',
    columns: ['id', 'name', '_sdc_deleted_at'],
    keys: ['id'],
    rowColumn: '_sdc_row',
  };
  const last = 'SELECT DISTINCT ON ("id") * FROM "_sdc_rows" ORDER BY "id", "_sdc_row" DESC';

  it('upserts the last staged row of each key: deletes its rows in the table, then inserts it', () => {
    assert.deepEqual(
      mergeStagedStatements({ ...merge, upsert: true, hardDelete: false, nullKeysMatch: true }),
      [
        `DELETE FROM "main"."users" t USING (${last}) s WHERE t."id" IS NOT DISTINCT FROM s."id"`,
        `INSERT INTO "main"."users" ("id", "name", "_sdc_deleted_at") SELECT "id", "name", "_sdc_deleted_at" FROM (${last}) s`,
      ],
    );
    const [, insert] = mergeStagedStatements({ ...merge, upsert: true, hardDelete: true });
    assert.match(insert ?? '', /\) s WHERE _sdc_deleted_at IS NULL$/);
  });

  it('appending with hard deletes deletes only the keys of staged deletes and inserts the other rows', () => {
    assert.deepEqual(mergeStagedStatements({ ...merge, upsert: false, hardDelete: true }), [
      'DELETE FROM "main"."users" t USING "_sdc_rows" s WHERE t."id" = s."id" AND s._sdc_deleted_at IS NOT NULL',
      'INSERT INTO "main"."users" ("id", "name", "_sdc_deleted_at") SELECT "id", "name", "_sdc_deleted_at" FROM ' +
        '"_sdc_rows" s WHERE _sdc_deleted_at IS NULL',
    ]);
  });

  it('runs work in one transaction: COMMIT after it, ROLLBACK and the error again when it throws', async () => {
    const ran: string[] = [];
    const run = (sql: string) => Promise.resolve(void ran.push(sql));
    await inTransaction(run, () => run('INSERT 1'));
    assert.deepEqual(ran, ['BEGIN TRANSACTION', 'INSERT 1', 'COMMIT']);
    ran.length = 0;
    const failure = new Error('cast failed');
    await assert.rejects(
      inTransaction(run, async () => {
        await run('INSERT 2');
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.deepEqual(ran, ['BEGIN TRANSACTION', 'INSERT 2', 'ROLLBACK']);
  });
});

describe('plainNumberText', () => {
  it('spells out an exponent exactly and leaves other literals as written', () => {
    assert.equal(plainNumberText(1e21), '1000000000000000000000');
    assert.equal(plainNumberText(1.5e-7), '0.00000015');
    assert.equal(plainNumberText(new ExactNumber('-2.50E-3')), '-0.0025');
    assert.equal(plainNumberText(new ExactNumber('1E+30')), '1' + '0'.repeat(30));
    assert.equal(plainNumberText(new ExactNumber('0e5')), '0');
    assert.equal(plainNumberText(new ExactNumber('12.50')), '12.50');
    assert.equal(plainNumberText(new ExactNumber('1e5000')), '1e5000');
  });
});

describe('activateVersionSql', () => {
  it('deletes the rows of older versions or of none with hard_delete', () => {
    assert.equal(
      activateVersionSql('"main"."users"', 3, true),
      'DELETE FROM "main"."users" WHERE ("_sdc_table_version" IS NULL OR "_sdc_table_version" < 3)',
    );
  });

  it('marks them deleted now otherwise, keeping the time of rows already marked', () => {
    assert.equal(
      activateVersionSql('"public"."users"', 1700000000000, false),
      'UPDATE "public"."users" SET "_sdc_deleted_at" = now() WHERE "_sdc_deleted_at" IS NULL AND ' +
        '("_sdc_table_version" IS NULL OR "_sdc_table_version" < 1700000000000)',
    );
  });
});
