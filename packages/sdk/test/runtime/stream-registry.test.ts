import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/index';
import { StreamRegistry } from '../../src/runtime/stream-registry';

const registry = () =>
  new StreamRegistry({ validateRecords: true, extraProperties: 'warn', inputName: 'stdin' });
const users = { stream: 'users', schema: { properties: { id: { type: 'integer' } } }, keyProperties: ['id'] };

describe('the stream registry', () => {
  it('defines a stream on its first SCHEMA and compiles its record checker', () => {
    const streams = registry();
    const change = streams.apply(users, 1);
    assert.equal(change.changed, true);
    assert.equal(change.previous, undefined);
    assert.equal(change.stream.checker!.check({ id: 1 }, { id: 1 }), undefined);
    assert.deepEqual(change.stream.checker!.check({ id: 'x' }, { id: 'x' }), {
      loadable: false,
      problem: '/id must be integer',
    });
  });

  it('changes nothing for an identical repeated SCHEMA', () => {
    const streams = registry();
    const first = streams.apply(users, 1).stream;
    const again = streams.apply(structuredClone(users), 5);
    assert.equal(again.changed, false);
    assert.equal(again.stream, first);
  });

  it('replaces the definition when the schema or the keys change, and says what it replaced', () => {
    const streams = registry();
    const first = streams.apply(users, 1).stream;
    const change = streams.apply({ ...users, keyProperties: [] }, 4);
    assert.equal(change.changed, true);
    assert.equal(change.previous, first);
    assert.deepEqual(streams.get('users')!.keyProperties, []);
  });

  it('refuses a RECORD for a stream without a SCHEMA, naming line and stream', () => {
    const streams = registry();
    assert.throws(
      () => streams.require('orders', 'RECORD', 7),
      (error: unknown) =>
        error instanceof InputError &&
        error.code === 'ERR_RECORD_BEFORE_SCHEMA' &&
        error.line === 7 &&
        error.message ===
          'stdin line 7: RECORD for stream "orders" arrived before its SCHEMA. Send a SCHEMA message for "orders" first.',
    );
  });
});
