/** What a user sees when dest-csv fails: the destination's own code, without --debug. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEST_CSV, runBin, tempDir, writeJson } from '../cli/support/spawn-bin';

const schemaOf = (stream: string) => ({
  type: 'SCHEMA',
  stream,
  schema: { properties: { id: { type: 'integer' } } },
  key_properties: ['id'],
});

interface LogLine {
  level: number;
  code?: string;
  wrappedIn?: string;
  msg: string;
}

describe('dest-csv error codes on the command line', () => {
  it('logs ERR_CSV_FILE_COLLISION (not the wrapper ERR_HANDLER_FAILED) for streams "Users" and "users", without --debug', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'config.json', { output_path: `${dir}/out` });
    const input = [schemaOf('Users'), schemaOf('users')].map((m) => `${JSON.stringify(m)}\n`).join('');
    const result = await runBin(DEST_CSV, ['--config', config], { input });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    const errors = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine)
      .filter((l) => l.level >= 50);
    assert.equal(errors.length, 1, result.stderr);
    assert.equal(errors[0]!.code, 'ERR_CSV_FILE_COLLISION');
    assert.equal(errors[0]!.wrappedIn, 'ERR_HANDLER_FAILED');
    assert.match(
      errors[0]!.msg,
      /^stdin line 2: @OnSchema for stream "users" failed: Streams "Users" and "users" both map to the file users\.csv/,
    );
  });
});
