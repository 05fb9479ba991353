import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PostgresDestinationError } from '../src/errors';
import { foldNames } from '@singer-dest/sdk';
import { nameCollision, PG_NAME_RULES, quoteIdent, tableNameOf, toPgName } from '../src/identifiers';

describe('identifiers', () => {
  it('quotes every identifier and doubles embedded quotes', () => {
    assert.equal(quoteIdent('select'), '"select"');
    assert.equal(quoteIdent('a"b'), '"a""b"');
    assert.equal(quoteIdent('x"; DROP TABLE t; --'), '"x""; DROP TABLE t; --"');
  });

  it('lower-cases names and keeps names of up to 63 bytes', () => {
    assert.equal(toPgName('clientName'), 'clientname');
    assert.equal(toPgName('a'.repeat(63)), 'a'.repeat(63));
    assert.equal(toPgName('ÜBER'), 'über');
  });

  it('shortens longer names to 63 bytes as a prefix plus a hash, the same way every time', () => {
    const long = 'x'.repeat(100);
    const short = toPgName(long);
    assert.equal(Buffer.byteLength(short), 63);
    assert.equal(short, toPgName(long));
    assert.match(short, /^x{54}_[0-9a-f]{8}$/);
    assert.notEqual(toPgName(`${'x'.repeat(99)}y`), short);
  });

  it('never splits a multi-byte character when shortening', () => {
    const short = toPgName('é'.repeat(40)); // 80 bytes
    assert.ok(Buffer.byteLength(short) <= 63);
    assert.match(short, /^(é)+_[0-9a-f]{8}$/);
  });

  it('rejects two names that collide after lower-casing, naming both', () => {
    assert.throws(
      () => foldNames(['id', 'ID'], PG_NAME_RULES, nameCollision('properties of stream "users"', 'users')),
      (error: unknown) =>
        error instanceof PostgresDestinationError &&
        error.code === 'ERR_PG_NAME_COLLISION' &&
        error.message.includes('"id" and "ID" both become the PostgreSQL name "id"'),
    );
  });

  it('maps names of a stream one to one when they do not collide', () => {
    assert.deepEqual(
      [...foldNames(['Id', 'name'], PG_NAME_RULES, nameCollision('properties'))],
      [
        ['Id', 'id'],
        ['name', 'name'],
      ],
    );
  });

  it('maps schema-table and database-schema-table stream names to schema and table', () => {
    assert.deepEqual(tableNameOf('sales-orders', undefined), { schema: 'sales', table: 'orders' });
    assert.deepEqual(tableNameOf('db-sales-orders', undefined), { schema: 'sales', table: 'orders' });
    assert.deepEqual(tableNameOf('sales-orders', 'raw'), { schema: 'raw', table: 'orders' });
    assert.deepEqual(tableNameOf('Orders', undefined), { schema: 'public', table: 'orders' });
    assert.deepEqual(tableNameOf('a-b-c-d', 'raw'), { schema: 'raw', table: 'a-b-c-d' });
  });
});
