import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEST_CSV, DEST_POSTGRES, FAULT_DEST, runBin, singer, tempDir, type BinResult } from './support/bins';
import { USERS_SCHEMA, stateLine, userRecord } from './support/singer';
import { testServerModule } from './support/targets';

const PASSWORD = 'S3cr3t-Pa55w0rd-Zq9x';

/** Every form the password could leak in: as is, JSON-escaped, URL-encoded, base64. */
const LEAKS = [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(PASSWORD).toString('base64')];

function assertNoSecret(result: BinResult, what: string): void {
  for (const form of LEAKS) {
    assert.equal(
      result.stdout.includes(form),
      false,
      `${what}: the password is on stdout:\n${result.stdout.slice(0, 2000)}`,
    );
    assert.equal(
      result.stderr.includes(form),
      false,
      `${what}: the password is on stderr:\n${result.stderr.slice(0, 2000)}`,
    );
  }
}

const GOOD_INPUT = singer(USERS_SCHEMA, userRecord(1), stateLine({ pos: 2 }));
const BAD_INPUT = singer(USERS_SCHEMA, userRecord(1), '{"type":"RECORD",');

/** A free port nobody listens on (connections are refused). */
const REFUSED_PORT = 1;

describe('secrets from the config never appear in any output of dest-postgres', () => {
  const runs: [string, string[], Record<string, unknown>, string, Record<string, string>?][] = [
    ['--about', ['--about'], {}, ''],
    ['--about --format markdown', ['--about', '--format', 'markdown'], {}, ''],
    ['--show-templates', ['--show-templates'], {}, ''],
    ['--help', ['--help'], {}, ''],
    ['--test-connection to a refused port', ['--test-connection', '--debug'], { port: REFUSED_PORT }, ''],
    ['a run against a refused port, with --debug', ['--debug'], { port: REFUSED_PORT }, GOOD_INPUT],
    [
      'a run with a sqlalchemy_url holding the password',
      ['--debug'],
      {
        sqlalchemy_url: `postgresql://loader:${PASSWORD}@127.0.0.1:${REFUSED_PORT}/warehouse`,
      },
      GOOD_INPUT,
    ],
    ['a run with bad input and --log-level debug', ['--log-level', 'debug'], {}, BAD_INPUT],
    [
      'an invalid config (every field reported)',
      [],
      { port: 'not-a-port', ssl_mode: 'sometimes' },
      GOOD_INPUT,
    ],
    ['a password of the wrong type', [], { password: [PASSWORD] }, GOOD_INPUT],
    [
      'the password from the environment',
      ['--debug'],
      { port: REFUSED_PORT, password: undefined },
      GOOD_INPUT,
      {
        DEST_POSTGRES_PASSWORD: PASSWORD,
      },
    ],
  ];
  for (const [name, args, settings, input, env] of runs) {
    it(`keeps the password out of ${name}`, async () => {
      const server = await testServerModule().getTestServer();
      const dir = tempDir('secret-pg');
      try {
        const config = join(dir.path, 'config.json');
        writeFileSync(
          config,
          JSON.stringify({
            host: server.host,
            port: server.port,
            user: server.user,
            database: server.database,
            default_target_schema: 'reliability_secret_never_created',
            password: PASSWORD,
            ...settings,
          }),
        );
        const result = await runBin(DEST_POSTGRES, ['--config', config, ...args], {
          stages: [{ send: [input] }],
          env: env ?? {},
        });
        assert.ok(result.stdout.length + result.stderr.length > 0, 'the run said something');
        assertNoSecret(result, name);
      } finally {
        dir.remove();
      }
    });
  }

  it('keeps the password out of --config_json (Mage) errors', async () => {
    const result = await runBin(
      DEST_POSTGRES,
      [
        '--config_json',
        JSON.stringify({ password: PASSWORD, port: REFUSED_PORT, default_target_schema: 'x' }),
        '--debug',
      ],
      { stages: [{ send: [GOOD_INPUT] }] },
    );
    assert.equal(result.code, 1);
    assertNoSecret(result, '--config_json');
  });
});

describe('secrets in a destination’s own errors and crashes are redacted', () => {
  async function runFault(env: Record<string, string>, args: string[] = []): Promise<BinResult> {
    const dir = tempDir('secret-fault');
    try {
      const config = join(dir.path, 'config.json');
      writeFileSync(config, JSON.stringify({ output_file: join(dir.path, 'out.jsonl'), password: PASSWORD }));
      return await runBin(FAULT_DEST, ['--config', config, ...args], {
        env,
        stages: [{ send: [GOOD_INPUT] }],
      });
    } finally {
      dir.remove();
    }
  }

  it('redacts the password from an export error that quotes it, with and without --debug', async () => {
    for (const args of [[], ['--debug']]) {
      const result = await runFault({ FAULT_CRASH: 'export-error' }, args);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /login failed for password \[REDACTED\]/);
      assertNoSecret(result, `export error ${args.join(' ')}`);
    }
  });

  it('redacts the password from --about of a destination with a secret setting', async () => {
    const result = await runFault({}, ['--about']);
    assert.equal(result.code, 0);
    assertNoSecret(result, '--about');
  });

  it('redacts the password from an uncaught exception thrown by destination code', async () => {
    const result = await runFault({ FAULT_CRASH: 'uncaught' });
    assert.notEqual(result.code, 0);
    assertNoSecret(result, 'uncaught exception');
  });

  it('redacts the password from an unhandled promise rejection in destination code', async () => {
    const result = await runFault({ FAULT_CRASH: 'rejection' });
    assert.notEqual(result.code, 0);
    assertNoSecret(result, 'unhandled rejection');
  });
});

describe('dest-csv with a password-like unknown key', () => {
  it('names the unknown key in its warning but never prints its value', async () => {
    const dir = tempDir('secret-csv');
    try {
      const config = join(dir.path, 'config.json');
      writeFileSync(config, JSON.stringify({ output_path: join(dir.path, 'out'), password: PASSWORD }));
      const result = await runBin(DEST_CSV, ['--config', config, '--debug'], {
        stages: [{ send: [BAD_INPUT] }],
      });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /Ignoring unknown config keys: password/);
      assertNoSecret(result, 'dest-csv unknown key');
    } finally {
      dir.remove();
    }
  });
});
