import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonSchema } from '../../src/contexts';
import { createMemoryLogger } from '../../src/testing/index';
import type { Batcher } from '../../src/runtime/batcher';
import type { BoundHandlers } from '../../src/runtime/bind-handlers';
import type { ExportQueue } from '../../src/runtime/export-queue';
import { StreamChanges } from '../../src/runtime/stream-changes';
import { StreamRegistry } from '../../src/runtime/stream-registry';

const users = (properties: Record<string, JsonSchema>) => ({
  type: 'SCHEMA' as const,
  stream: 'users',
  schema: { properties },
  keyProperties: ['id'],
  bookmarkProperties: [] as string[],
});
const version = (stream: string, v: number) => ({ type: 'ACTIVATE_VERSION' as const, stream, version: v });

/** A StreamChanges whose batcher and queue only write down what was asked of them, in order. */
function setUp(hooks: Partial<BoundHandlers> = {}) {
  const calls: string[] = [];
  const { logger, entries } = createMemoryLogger();
  const handlers = {
    onSchema: undefined,
    onActivateVersion: undefined,
    ...hooks,
  } as unknown as BoundHandlers;
  const changes = new StreamChanges({
    handlers,
    config: {},
    logger,
    inputName: 'stdin',
    streams: new StreamRegistry({
      validateRecords: true,
      extraProperties: 'warn',
      inputName: 'stdin',
    }),
    batcher: { flush: (name: string) => calls.push(`flush ${name}`) } as unknown as Batcher,
    queue: {
      drain: () => {
        calls.push('drain');
        return Promise.resolve();
      },
    } as unknown as ExportQueue,
    encodeStage: undefined,
  });
  return { changes, calls, entries };
}

describe('stream changes (SCHEMA and ACTIVATE_VERSION)', () => {
  it('exports the records read under the old schema before @OnSchema sees the new one', async () => {
    const seen: string[] = [];
    const { changes, calls } = setUp({
      onSchema: (context) => {
        seen.push(`${context.stream} changed=${context.changed} after [${calls.join(', ')}]`);
        return Promise.resolve(context.state);
      },
    });
    await changes.applySchema(users({ id: { type: 'integer' } }), 1);
    await changes.applySchema(users({ id: { type: 'integer' }, name: { type: 'string' } }), 5);
    assert.deepEqual(seen, [
      'users changed=true after [flush users, drain]',
      'users changed=true after [flush users, drain, flush users, drain]',
    ]);
  });

  it('holds an ACTIVATE_VERSION read before the stream is described and applies it right after its SCHEMA', async () => {
    const order: string[] = [];
    const { changes } = setUp({
      onSchema: (context) => {
        order.push(`schema ${context.stream} line ${context.line}`);
        return Promise.resolve(context.state);
      },
      onActivateVersion: (context) => {
        order.push(`version ${context.version} of ${context.stream} (line ${context.line})`);
        return Promise.resolve();
      },
    });
    await changes.activateVersion(version('users', 7), 1);
    assert.deepEqual(order, []);
    await changes.applySchema(users({ id: { type: 'integer' } }), 2);
    assert.deepEqual(order, ['schema users line 2', 'version 7 of users (line 1)']);
  });

  it('warns at the end about a held ACTIVATE_VERSION that no SCHEMA followed', async () => {
    const { changes, entries } = setUp();
    await changes.activateVersion(version('orders', 3), 4);
    changes.warnUnappliedVersions();
    assert.deepEqual(
      entries.filter((e) => e.level === 'warn').map((e) => e.msg),
      ['stdin line 4: ACTIVATE_VERSION for stream "orders" was ignored: no SCHEMA for "orders" followed it.'],
    );
  });
});
