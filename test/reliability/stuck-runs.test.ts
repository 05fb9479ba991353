/** A stuck run ends: a path that cannot be created fails at once, and a stop signal has a grace period. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEST_CSV, FAULT_DEST, errorLog, runBin, singer, tempDir } from './support/bins';
import { USERS_SCHEMA, stateLine, userRecord } from './support/singer';

describe('a stuck run ends', () => {
  it('dest-csv with output_path under /proc fails at once with a clear error (no endless mkdir)', async () => {
    const dir = tempDir('proc-path');
    try {
      const config = join(dir.path, 'config.json');
      writeFileSync(config, JSON.stringify({ output_path: '/proc/dest-csv-output/sub' }));
      const started = Date.now();
      const result = await runBin(DEST_CSV, ['--config', config], {
        stages: [{ send: [singer(USERS_SCHEMA, userRecord(1), stateLine({ pos: 1 }))] }],
      });
      assert.ok(Date.now() - started < 10_000, 'it took too long');
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, '');
      const error = errorLog(result)!;
      assert.equal(error.code, 'ERR_CSV_OUTPUT_PATH');
      assert.equal(
        error.msg,
        'output_path /proc/dest-csv-output/sub cannot be created (at /proc/dest-csv-output): ENOENT. Set ' +
          'output_path to a directory this process can create and write to.',
      );
    } finally {
      dir.remove();
    }
  });

  it('after SIGTERM, an export that outlasts stop_grace_period_seconds ends the run with 143 and no further state', async () => {
    const dir = tempDir('grace');
    try {
      const output = join(dir.path, 'out.jsonl');
      const config = join(dir.path, 'config.json');
      writeFileSync(
        config,
        JSON.stringify({ output_file: output, batch_size_rows: 2, stop_grace_period_seconds: 1 }),
      );
      const started = Date.now();
      const result = await runBin(FAULT_DEST, ['--config', config], {
        env: { FAULT_EXPORT_DELAY_MS: '20000' },
        keepStdinOpen: true,
        stages: [
          {
            send: [
              singer(
                USERS_SCHEMA,
                stateLine({ pos: 0 }),
                userRecord(1),
                userRecord(2),
                stateLine({ pos: 2 }),
              ),
            ],
          },
          { afterStderr: 'export of batch 1 started', kill: 'SIGTERM' },
        ],
      });
      assert.equal(result.code, 143, result.stderr);
      assert.ok(Date.now() - started < 15_000, 'exited long before the 20 s export could finish');
      assert.equal(result.stdout, '{"pos":0}\n', 'only the state before any record');
      assert.ok(
        result.logs.some(
          (l) =>
            l.msg ===
            'The buffered records were not exported within stop_grace_period_seconds (1 s) after SIGTERM: ' +
              'exiting now; no further state is written. Rerun from the last emitted state.',
        ),
        result.stderr,
      );
    } finally {
      dir.remove();
    }
  });
});
