import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Destination,
  EncodeWith,
  ExportBatch,
  OnActivateVersion,
  OnSchema,
  type ActivateVersionContext,
  type BatchContext,
  type EncodedBatchContext,
  type EncoderFactsContext,
  type SchemaContext,
} from '../../src/index';
import { runTestDestination } from '../../src/testing/index';
import { record, schema, state } from '../support/messages';
import { testEncoder } from '../support/test-encoders';

/** The stream state of these tests: which SCHEMA made it. */
interface Generation {
  stream: string;
  line: number;
}

const users = schema('users', { id: { type: 'integer' } }, ['id']);
const usersWider = schema('users', { id: { type: 'integer' }, name: { type: 'string' } }, ['id']);
const label = (g: Generation | undefined) => (g === undefined ? 'none' : `${g.stream}@${g.line}`);

describe('per-stream state owned by the SDK', () => {
  it('keeps what @OnSchema returned with the stream and hands each batch the state its records were read under', async () => {
    const seen: string[] = [];
    @Destination()
    class Recording {
      @OnSchema
      schema({ stream, line, changed, state: current }: SchemaContext<unknown, Generation>): Generation {
        seen.push(`schema line ${line} changed=${changed} state=${label(current)}`);
        // An identical repeat keeps the state (and the buffered batch); a change makes a new one.
        return !changed && current !== undefined ? current : { stream, line };
      }

      @ExportBatch
      write({ lineNumbers: lines, streamState }: BatchContext<unknown, Generation>) {
        seen.push(`batch ${lines.join(',')} state=${label(streamState)}`);
      }

      @OnActivateVersion
      activate({ streamState }: ActivateVersionContext<unknown, Generation>) {
        seen.push(`activate state=${label(streamState)}`);
      }
    }
    const result = await runTestDestination(Recording, {
      messages: [
        users, // 1
        record('users', { id: 1 }), // 2
        users, // 3: the same SCHEMA again: no flush, same state
        record('users', { id: 2 }), // 4
        usersWider, // 5: changed: lines 2 and 4 are exported under the state of line 1 first
        record('users', { id: 3 }), // 6
        { type: 'ACTIVATE_VERSION', stream: 'users', version: 1 }, // 7
        state({ at: 8 }),
      ],
    });
    assert.equal(result.error, undefined, String(result.error));
    assert.deepEqual(seen, [
      'schema line 1 changed=true state=none',
      'schema line 3 changed=false state=users@1',
      'batch 2,4 state=users@1',
      'schema line 5 changed=true state=users@1',
      'batch 6 state=users@5',
      'activate state=users@5',
    ]);
    assert.deepEqual(result.states, [{ at: 8 }]);
  });

  it('flushes the buffered records with their old state first when @OnSchema returns a new state for a repeated SCHEMA', async () => {
    const seen: string[] = [];
    @Destination()
    class AlwaysNew {
      @OnSchema
      schema({ stream, line }: SchemaContext): Generation {
        return { stream, line };
      }

      // The encoder is built from the facts of the state its batch was read under.
      @EncodeWith(testEncoder('labelled'))
      encoderFacts({ streamState }: EncoderFactsContext<unknown, Generation>) {
        return { prefix: `read under ${label(streamState)}: ` };
      }

      @ExportBatch
      write({ encoded, streamState }: EncodedBatchContext<unknown, Generation>) {
        seen.push(`${label(streamState)}: ${Buffer.concat(encoded).toString().trim().replace(/\n/g, '; ')}`);
      }
    }
    const result = await runTestDestination(AlwaysNew, {
      messages: [
        users,
        record('users', { id: 1 }),
        record('users', { id: 2 }),
        users,
        record('users', { id: 3 }),
      ],
    });
    assert.equal(result.error, undefined, String(result.error));
    assert.deepEqual(seen, [
      'users@1: read under users@1: users:2:1:undefined; read under users@1: users:3:2:undefined',
      'users@4: read under users@4: users:5:3:undefined',
    ]);
  });

  it('keeps no state for a destination whose @OnSchema returns nothing, or that has none', async () => {
    const states: unknown[] = [];
    @Destination()
    class Plain {
      @OnSchema
      schema() {}

      @ExportBatch
      write({ streamState }: BatchContext) {
        states.push(streamState);
      }
    }
    @Destination()
    class NoSchemaHook {
      @ExportBatch
      write({ streamState }: BatchContext) {
        states.push(streamState);
      }
    }
    const messages = [users, record('users', { id: 1 }), users, record('users', { id: 2 })];
    await runTestDestination(Plain, { messages });
    await runTestDestination(NoSchemaHook, { messages });
    assert.deepEqual(states, [undefined, undefined]);
  });
});
