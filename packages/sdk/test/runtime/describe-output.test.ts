import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeOutput,
  Destination,
  DestinationDefinitionError,
  ExportBatch,
  type DescribeOutputContext,
} from '../../src/index';
import { resolveDestination, runTestDestination } from '../../src/testing';

const schema = (stream: string) => ({
  type: 'SCHEMA',
  stream,
  schema: { properties: { id: { type: 'integer' } } },
  key_properties: ['id'],
});
const record = (stream: string, id: number) => ({ type: 'RECORD', stream, record: { id } });

describe('@DescribeOutput', () => {
  it('is asked once per stream that had records, after the last export, and fills summary.outputs', async () => {
    const calls: string[] = [];
    @Destination({ name: 'dest-where' })
    class WhereDestination {
      @ExportBatch
      write({ stream }: { stream: string }) {
        calls.push(`export ${stream}`);
      }
      @DescribeOutput
      where({ stream, records }: DescribeOutputContext) {
        calls.push(`describe ${stream} ${records}`);
        return stream === 'users' ? ['out/users.csv', 'out/users.part2.csv'] : `raw.${stream}`;
      }
    }
    const result = await runTestDestination(WhereDestination, {
      messages: [schema('users'), schema('empty'), record('users', 1), schema('orders'), record('orders', 2)],
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.summary?.outputs, {
      users: ['out/users.csv', 'out/users.part2.csv'],
      orders: ['raw.orders'],
    });
    assert.deepEqual(calls, ['export users', 'export orders', 'describe users 1', 'describe orders 1']);
  });

  it('a failing description is a warning, never a failed run; an empty one leaves the stream out', async () => {
    @Destination({ name: 'dest-where' })
    class FlakyDestination {
      @ExportBatch
      write() {}
      @DescribeOutput
      where({ stream }: DescribeOutputContext) {
        if (stream === 'users') throw new Error('lost track');
        return undefined;
      }
    }
    const result = await runTestDestination(FlakyDestination, {
      messages: [schema('users'), record('users', 1), schema('orders'), record('orders', 2)],
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.summary?.outputs, {});
    const warning = result.logs.find((l) => l.level === 'warn');
    assert.equal(warning?.msg, '@DescribeOutput failed for stream "users" (the data is stored): lost track');
  });

  it('is one method, like every hook', () => {
    @Destination({ name: 'dest-twice' })
    class Twice {
      @ExportBatch
      write() {}
      @DescribeOutput
      a() {}
      @DescribeOutput
      b() {}
    }
    assert.throws(
      () => resolveDestination(Twice),
      (error: unknown) =>
        error instanceof DestinationDefinitionError &&
        error.message.includes('@DescribeOutput is on 2 methods (a, b); use it on exactly one'),
    );
  });
});
