import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TEST_DEST, msg, runBin, singer, tempDir, writeJson, type BinResult } from './support/spawn-bin';

const PASSWORD = 'Tr0ub4dor&3-"quoted"\\path';
const input = singer(msg.schema('users'), msg.record('users', 1), msg.state({ users: 1 }));

function assertNoSecret(result: BinResult) {
  const escaped = JSON.stringify(PASSWORD).slice(1, -1);
  for (const [name, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    assert.ok(!text.includes(PASSWORD), `${name} holds the password`);
    assert.ok(!text.includes(escaped), `${name} holds the JSON-escaped password`);
    assert.ok(!text.includes('Tr0ub4dor'), `${name} holds part of the password`);
  }
}

describe('secret redaction', () => {
  it('a destination that logs its password at debug level shows [REDACTED] instead', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', { export_log: join(dir, 'log'), password: PASSWORD });
    const result = await runBin(TEST_DEST, ['--config', config, '--debug'], { input });
    assert.equal(result.code, 0);
    assert.match(result.stderr, /opening with password \[REDACTED\]/);
    assertNoSecret(result);
  });

  it('an export error naming the password, with --debug printing its cause and stack, never shows it', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', {
      export_log: join(dir, 'log'),
      password: PASSWORD,
      fail_export: true,
    });
    const result = await runBin(TEST_DEST, ['--config', config, '--debug', '--log-format', 'text'], {
      input,
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /Export of batch 1 failed \(stream "users", 1 records from stdin lines 2-2\): cannot log in with password \[REDACTED\]/,
    );
    assert.match(result.stderr, /at .*test-dest\.js/, 'the cause stack is printed with --debug');
    assertNoSecret(result);
  });

  it('a failed connection test exits 1 with the redacted reason', async () => {
    const dir = tempDir();
    const result = await runBin(TEST_DEST, ['--test-connection', '--log-format', 'json'], {
      env: { TEST_DEST_EXPORT_LOG: join(dir, 'log'), TEST_DEST_PASSWORD: 'wrong-password' },
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /Connection test failed: login refused for password \[REDACTED\]/);
    assert.ok(!result.stderr.includes('wrong-password'));
  });

  it('an invalid config next to a password reports the other fields and not the password', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', {
      export_log: join(dir, 'log'),
      password: PASSWORD,
      delay_ms: 'soon',
    });
    const result = await runBin(TEST_DEST, ['--config', config], { input });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /delay_ms/);
    assertNoSecret(result);
  });

  it('--about and --show-templates never carry a secret value, even when one is configured', async () => {
    const env = { TEST_DEST_PASSWORD: PASSWORD };
    const about = await runBin(TEST_DEST, ['--about'], { env });
    const templates = await runBin(TEST_DEST, ['--show-templates'], { env });
    assertNoSecret(about);
    assertNoSecret(templates);
    assert.equal(JSON.parse(templates.stdout).password, undefined);
  });
});
