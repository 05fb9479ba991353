import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SdcValues, type JsonSchema, type RecordMessage } from '@singer-dest/sdk';
import { layoutOf } from '../src/batch-plan';
import { PostgresDestinationError } from '../src/errors';
import { StreamEncoder } from '../src/stream-encoder';
import { configOf } from './support/run';

const SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: ['null', 'string'] },
    at: { type: ['null', 'string'], format: 'date-time' },
  },
};

function encoderOf(settings: Record<string, unknown>, upsert: boolean) {
  const config = configOf({ host: 'localhost', ...settings });
  const layout = layoutOf('users', SCHEMA, ['id'], config);
  const encoder = new StreamEncoder(layout, {
    config,
    kinds: new Map(),
    sqlTypes: new Map(),
    upsert,
    metadata: new SdcValues(1_000_000),
    logger: { warn: () => undefined },
  });
  return (record: Record<string, unknown>, line: number, extra: Partial<RecordMessage> = {}) =>
    encoder.encode({
      stream: 'users',
      record,
      message: { type: 'RECORD', stream: 'users', record, ...extra },
      line,
      receivedAt: Date.UTC(2024, 0, 2, 3, 4, 5, line),
    });
}

describe('StreamEncoder lines', () => {
  it("hold each record's own values and metadata, also after a record refused halfway through its line", () => {
    const encode = encoderOf({}, true);
    assert.equal(
      encode({ id: 1, name: 'a\tb', at: '2024-01-01T00:00:00Z' }, 2, {
        time_extracted: '2024-01-01T10:00:00Z',
        version: 7,
      }),
      '1\ta\\tb\t2024-01-01T00:00:00Z\t2024-01-01T10:00:00Z\t2024-01-02T03:04:05.002Z\t\\N\t1000002\t7\t2\tfalse\n',
    );
    // Refused at its third column: the columns after it are never written for this record.
    assert.throws(
      () => encode({ id: 2, name: 'late', at: 'not a date' }, 3, { version: 8 }),
      (error: unknown) => error instanceof PostgresDestinationError && error.code === 'ERR_PG_VALUE_REJECTED',
    );
    assert.equal(
      encode({ id: 3, name: null }, 4),
      '3\t\\N\t\\N\t\\N\t2024-01-02T03:04:05.004Z\t\\N\t1000004\t\\N\t4\tfalse\n',
    );
  });

  it('end the line with the last column when there is no metadata and no staging column', () => {
    const encode = encoderOf({ add_record_metadata: false, activate_version: false }, false);
    assert.equal(encode({ id: 5, name: 'x' }, 9), '5\tx\t\\N\n');
  });
});
