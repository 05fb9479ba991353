import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExactNumber, normalizeSchema, type JsonSchema } from '@singer-dest/sdk';
import { columnTypeOf as columnTypeOfProperty, kindOfPgType, widenedType } from '../src/type-mapping';

/** The column type of one property's schema, normalized by the SDK as the destination gets it. */
const columnTypeOf = (schema: JsonSchema) =>
  columnTypeOfProperty(normalizeSchema({ properties: { p: schema } }).properties[0]!);

describe('type mapping', () => {
  it('maps JSON Schema types to PostgreSQL column types', () => {
    assert.equal(columnTypeOf({ type: ['null', 'integer'] }), 'bigint');
    assert.equal(columnTypeOf({ type: 'number' }), 'numeric');
    assert.equal(columnTypeOf({ type: ['integer', 'number', 'null'] }), 'numeric');
    assert.equal(columnTypeOf({ type: 'boolean' }), 'boolean');
    assert.equal(columnTypeOf({ type: 'string' }), 'text');
    assert.equal(columnTypeOf({ type: 'string', format: 'date-time' }), 'timestamptz');
    assert.equal(columnTypeOf({ type: ['string', 'null'], format: 'date' }), 'date');
    assert.equal(columnTypeOf({ type: 'string', format: 'time' }), 'time');
    assert.equal(columnTypeOf({ type: 'object', properties: {} }), 'jsonb');
    assert.equal(columnTypeOf({ type: 'array', items: { type: 'string' } }), 'jsonb');
    assert.equal(columnTypeOf({}), 'jsonb');
    assert.equal(columnTypeOf({ type: ['string', 'integer'] }), 'jsonb');
  });

  it('reads anyOf branches: date-time only when every string branch is a date-time', () => {
    assert.equal(
      columnTypeOf({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] }),
      'timestamptz',
    );
    assert.equal(
      columnTypeOf({ anyOf: [{ type: 'string', format: 'date-time' }, { type: ['string', 'null'] }] }),
      'text',
    );
  });

  it('uses numeric for integers whose schema bounds need more than 64 bits', () => {
    assert.equal(columnTypeOf({ type: 'integer', maximum: 100 }), 'bigint');
    assert.equal(
      columnTypeOf({ type: 'integer', maximum: new ExactNumber('18446744073709551615') }),
      'numeric',
    );
    assert.equal(columnTypeOf({ type: 'integer', minimum: -1e30 }), 'numeric');
    // Exact bounds: a database bigint's own range stays bigint; one past it does not.
    assert.equal(
      columnTypeOf({ type: 'integer', maximum: new ExactNumber('9223372036854775807') }),
      'bigint',
    );
    assert.equal(
      columnTypeOf({ type: 'integer', minimum: new ExactNumber('-9223372036854775809') }),
      'numeric',
    );
  });

  it('widens along bigint → numeric → text, date → timestamptz, and anything → jsonb', () => {
    assert.equal(widenedType('bigint', 'numeric'), 'numeric');
    assert.equal(widenedType('numeric', 'text'), 'text');
    assert.equal(widenedType('bigint', 'text'), 'text');
    assert.equal(widenedType('date', 'timestamptz'), 'timestamptz');
    assert.equal(widenedType('boolean', 'bigint'), 'text');
    assert.equal(widenedType('text', 'jsonb'), 'jsonb');
    assert.equal(widenedType('timestamptz', 'jsonb'), 'jsonb');
  });

  it('never narrows: wider and foreign columns stay as they are', () => {
    assert.equal(widenedType('numeric', 'bigint'), undefined);
    assert.equal(widenedType('text', 'bigint'), undefined);
    assert.equal(widenedType('jsonb', 'text'), undefined);
    assert.equal(widenedType('timestamptz', 'date'), undefined);
    assert.equal(widenedType('other', 'jsonb'), undefined);
    assert.equal(kindOfPgType('float8'), 'other');
    assert.equal(kindOfPgType('varchar'), 'text');
  });
});
