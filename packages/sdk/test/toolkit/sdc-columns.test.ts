import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SDC_COLUMNS, SdcValues, isSdcColumn } from '../../src/index';

describe('SdcValues', () => {
  it('gives one value per metadata column, in SDC_COLUMNS order', () => {
    const sdc = new SdcValues(1_700_000_000_000_000);
    const facts = {
      message: {
        record: { _sdc_deleted_at: '2024-05-01T00:00:00Z' },
        time_extracted: '2024-01-01T00:00:00Z',
        version: 3,
      },
      receivedAt: Date.UTC(2024, 0, 2),
      batchedAt: Date.UTC(2024, 0, 3),
      line: 42,
    };
    assert.deepEqual(
      SDC_COLUMNS.map((c) => c.name),
      [
        '_sdc_extracted_at',
        '_sdc_received_at',
        '_sdc_batched_at',
        '_sdc_deleted_at',
        '_sdc_sequence',
        '_sdc_table_version',
      ],
    );
    assert.deepEqual(sdc.valuesOf(facts), [
      '2024-01-01T00:00:00Z',
      '2024-01-02T00:00:00.000Z',
      '2024-01-03T00:00:00.000Z',
      '2024-05-01T00:00:00Z',
      1_700_000_000_000_042,
      3,
    ]);
  });

  it('gives null where the tap sent nothing, and a sequence that grows with the input line', () => {
    const sdc = new SdcValues();
    const facts = (line: number) => ({ message: { record: {} }, receivedAt: 0, batchedAt: 0, line });
    const [extracted, , , deleted, , version] = sdc.valuesOf(facts(1));
    assert.deepEqual([extracted, deleted, version], [null, null, null]);
    assert.ok(
      (sdc.valueOf('_sdc_sequence', facts(2)) as number) > (sdc.valueOf('_sdc_sequence', facts(1)) as number),
    );
    assert.ok(Math.abs(sdc.runStartedAtUs - Date.now() * 1000) < 60e6);
  });

  it('knows the metadata column names', () => {
    assert.equal(isSdcColumn('_sdc_sequence'), true);
    assert.equal(isSdcColumn('_sdc_other'), false);
  });
});
