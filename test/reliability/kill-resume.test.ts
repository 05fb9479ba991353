import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CHAOS, runKillResume } from '../chaos/kill-resume';

// The short variant of `npm run test:chaos` (test/chaos/kill-resume.ts): 20 000 records, 3 SIGKILLs each.
const SHORT = { ...DEFAULT_CHAOS, records: 20_000, kills: 3, batchSizeRows: 2000, seed: 7 };

describe('kill -9 and resume from the last state (short variant of npm run test:chaos)', () => {
  it('dest-postgres ends with every record exactly once', async () => {
    const report = await runKillResume({ ...SHORT, target: 'dest-postgres' });
    assert.equal(report.runs.filter((r) => r.kill !== undefined).length, 3);
    assert.equal(report.stored, 20_000);
    assert.equal(report.distinct, 20_000);
  });

  it('dest-duckdb ends with every record exactly once', async () => {
    const report = await runKillResume({ ...SHORT, target: 'dest-duckdb' });
    assert.equal(report.runs.filter((r) => r.kill !== undefined).length, 3);
    assert.equal(report.stored, 20_000);
    assert.equal(report.distinct, 20_000);
  });

  it('dest-csv ends with every record, duplicated only after a killed run’s last state', async () => {
    const report = await runKillResume({ ...SHORT, target: 'dest-csv' });
    assert.equal(report.runs.filter((r) => r.kill !== undefined).length, 3);
    assert.equal(report.distinct, 20_000);
    assert.ok(report.stored >= 20_000);
  });
});
