import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTestDestination, resolveDestination, validateConfig } from '../../src/testing/index';
import { JsonlDestination } from './jsonl-destination';

describe('the README example destination', () => {
  it('writes each stream to a JSON-lines file and then emits the state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonl-'));
    const { config } = validateConfig(resolveDestination(JsonlDestination), { path_prefix: `${dir}/` });
    const result = await runTestDestination(JsonlDestination, {
      config,
      messages: [
        {
          type: 'SCHEMA',
          stream: 'users',
          schema: { properties: { id: { type: 'integer' } } },
          key_properties: ['id'],
        },
        { type: 'RECORD', stream: 'users', record: { id: 1 } },
        { type: 'RECORD', stream: 'users', record: { id: 2 } },
        { type: 'STATE', value: { users: 2 } },
      ],
    });
    assert.equal(result.error, undefined);
    assert.equal(readFileSync(join(dir, 'users.jsonl'), 'utf8'), '{"id":1}\n{"id":2}\n');
    assert.deepEqual(result.states, [{ users: 2 }]);
  });
});
