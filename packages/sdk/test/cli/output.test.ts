import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, HandlerError, InputError, UsageError } from '../../src/errors';
import { exitCodeFor } from '../../src/cli/exit-codes';
import { formatMetric, logBatchMetrics } from '../../src/cli/metrics';
import { formatSummary } from '../../src/cli/summary';
import { createMemoryLogger } from '../../src/runtime/logger';

describe('exit codes', () => {
  it('are 2 for usage and config errors and 1 for data, destination and unexpected errors', () => {
    assert.equal(exitCodeFor(new UsageError('x')), 2);
    assert.equal(exitCodeFor(new ConfigError('x')), 2);
    assert.equal(exitCodeFor(new InputError('ERR_INVALID_JSON', 'x')), 1);
    assert.equal(exitCodeFor(new HandlerError('ERR_EXPORT_FAILED', 'x', new Error('y'))), 1);
    assert.equal(exitCodeFor(new TypeError('x')), 1);
  });
});

describe('metrics and summary', () => {
  it('logs a record_count counter and a batch_processing_time timer in seconds per exported batch', () => {
    const { logger, entries } = createMemoryLogger();
    logBatchMetrics(logger, {
      stream: 'users',
      batchNumber: 3,
      records: 42,
      bytes: 10,
      firstLine: 5,
      lastLine: 46,
      durationMs: 1234.4,
    });
    assert.deepEqual(
      entries.map((e) => e.msg),
      [
        'METRIC: {"type":"counter","metric":"record_count","value":42,"tags":{"stream":"users"}}',
        'METRIC: {"type":"timer","metric":"batch_processing_time","value":1.234,"tags":{"stream":"users","batch":3,"status":"succeeded"}}',
      ],
    );
    assert.equal(
      formatMetric({ type: 'counter', metric: 'm', value: 1, tags: {} }),
      'METRIC: {"type":"counter","metric":"m","value":1,"tags":{}}',
    );
  });

  it('summarises records per stream, batches, states, rejected records, time and why the run stopped', () => {
    const summary = {
      records: { users: 2, orders: 1 },
      invalidRecords: { users: 1 },
      deviations: [],
      batches: 1,
      statesEmitted: 1,
      elapsedMs: 1540,
      stoppedBy: 'signal' as const,
    };
    assert.equal(
      formatSummary(summary),
      'Loaded 3 records (users 2, orders 1) in 1 batch; 1 state emitted; 1 invalid record rejected; 1.5 s (stopped by a signal)',
    );
    assert.equal(
      formatSummary({
        ...summary,
        records: {},
        invalidRecords: {},
        batches: 0,
        statesEmitted: 0,
        stoppedBy: 'end-of-input',
      }),
      'Loaded 0 records in 0 batches; 0 states emitted; 1.5 s',
    );
  });

  it('counts values loaded despite their schema constraints, naming the first five kinds', () => {
    const deviation = (property: string, count: number) => ({
      stream: 'people',
      property,
      keyword: 'maxLength',
      count,
      firstLine: 3,
    });
    const summary = {
      records: { people: 9 },
      invalidRecords: {},
      deviations: [deviation('a', 2), deviation('b', 1)],
      batches: 1,
      statesEmitted: 1,
      elapsedMs: 400,
      stoppedBy: 'end-of-input' as const,
    };
    assert.equal(
      formatSummary(summary),
      "Loaded 9 records (people 9) in 1 batch; 1 state emitted; 3 values loaded despite their schema's " +
        'constraints (people.a maxLength 2, people.b maxLength 1); 0.4 s',
    );
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((p) => deviation(p, 1));
    assert.match(formatSummary({ ...summary, deviations: many }), /people\.e maxLength 1, 2 more\); 0\.4 s$/);
  });

  it('names where the data went, as @DescribeOutput said, up to eight places', () => {
    const summary = {
      records: { users: 2, orders: 1 },
      invalidRecords: {},
      deviations: [],
      batches: 2,
      statesEmitted: 1,
      elapsedMs: 400,
      stoppedBy: 'end-of-input' as const,
    };
    const base = 'Loaded 3 records (users 2, orders 1) in 2 batches; 1 state emitted; 0.4 s';
    assert.equal(
      formatSummary({ ...summary, outputs: { users: ['public.users'] } }),
      `${base}. Written to public.users.`,
    );
    assert.equal(
      formatSummary({
        ...summary,
        outputs: { users: ['out/users.csv', 'out/users.part2.csv'], orders: ['out/orders.csv'] },
      }),
      `${base}. Written to out/users.csv, out/users.part2.csv and out/orders.csv.`,
    );
    const many = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`s${i}`, [`t${i}`]]));
    assert.equal(
      formatSummary({ ...summary, outputs: many }),
      `${base}. Written to t0, t1, t2, t3, t4, t5, t6, t7 and 3 more.`,
    );
    assert.equal(formatSummary({ ...summary, outputs: {} }), base);
  });
});
