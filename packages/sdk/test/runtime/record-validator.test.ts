import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileRecordValidator, createAjv } from '../../src/runtime/record-validator';
import type { JsonSchema } from '../../src/index';

const where = { stream: 's', line: 1, source: 'stdin' };
const schemaWith = (properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', properties });

describe('record validation formats', () => {
  it('checks standard formats (email, uuid) once a schema names one, keeping zone-optional date-times', () => {
    const ajv = createAjv();
    const dates = compileRecordValidator(
      ajv,
      schemaWith({ at: { type: 'string', format: 'date-time' } }),
      where,
    );
    assert.equal(dates({ at: '2024-01-01T10:00:00' }), true);
    assert.equal(dates({ at: 'yesterday' }), false);

    const contacts = compileRecordValidator(
      ajv,
      schemaWith({
        email: { type: 'string', format: 'email' },
        id: { type: 'string', format: 'uuid' },
        at: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
      }),
      where,
    );
    const good = {
      email: 'a@example.com',
      id: '123e4567-e89b-12d3-a456-426614174000',
      at: '2024-01-01T10:00:00',
      day: '2024-02-29',
    };
    assert.equal(contacts(good), true);
    assert.equal(contacts({ ...good, email: 'not an address' }), false);
    assert.equal(contacts({ ...good, id: 'nope' }), false);
    assert.equal(contacts({ ...good, day: '2023-02-29' }), false);
    // The first validator is unchanged, and new ones keep the Singer date-time rule.
    assert.equal(dates({ at: '2024-01-01T10:00:00' }), true);
    const later = compileRecordValidator(
      ajv,
      schemaWith({ at: { type: 'string', format: 'date-time' } }),
      where,
    );
    assert.equal(later({ at: '2024-01-01T10:00:00' }), true);
  });

  it('ignores a property that is merely named "format"', () => {
    const validate = compileRecordValidator(createAjv(), schemaWith({ format: { type: 'string' } }), where);
    assert.equal(validate({ format: 'csv' }), true);
    assert.equal(validate({ format: 1 }), false);
  });
});
