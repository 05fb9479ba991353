import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { IsOptional, IsString } from 'class-validator';
import { Destination, ExportBatch, Setting, TestConnection, type ProcessContext } from '../../src/index';
import { executeCli, type CliIo } from '../../src/cli/run-cli';

function fakeIo(argv: string[], stdoutWrite?: (text: string) => void) {
  const stderr: string[] = [];
  const stdout: string[] = [];
  const io: CliIo = {
    argv,
    env: {},
    stdin: Readable.from([]),
    stdout: new Writable({
      write(chunk: Buffer, _e, callback) {
        stdout.push(chunk.toString());
        callback();
      },
    }),
    stderr: { isTTY: false, write: (text: string) => stderr.push(text) },
    signals: new EventEmitter(),
    exitNow: () => assert.fail('exitNow must not be called'),
  };
  if (stdoutWrite) io.stdout.write = ((text: string) => (stdoutWrite(text), true)) as Writable['write'];
  return { io, stdout, stderr };
}

function makeDestination() {
  class TokenConfig {
    @Setting({ name: 'token', secret: true }) @IsOptional() @IsString() token?: string;
  }
  @Destination({ name: 'dest-inproc', version: '9.9.9', config: TokenConfig })
  class InProcessDestination {
    @TestConnection
    check({ config }: ProcessContext<TokenConfig>) {
      return `token ${config.token ?? 'none'} accepted`;
    }
    @ExportBatch
    write() {}
  }
  return InProcessDestination;
}

describe('executeCli', () => {
  it('resolves with the exit code and never exits the process itself', async () => {
    const { io, stdout } = fakeIo(['--version']);
    assert.equal(await executeCli(makeDestination(), io), 0);
    assert.deepEqual(stdout, ['dest-inproc 9.9.9\n']);
  });

  it('redacts a secret from the --test-connection line', async () => {
    const { io, stdout } = fakeIo(['--config_json', '{"token":"tok-123456"}', '--test-connection']);
    assert.equal(await executeCli(makeDestination(), io), 0);
    assert.deepEqual(stdout, ['dest-inproc: token [REDACTED] accepted\n']);
  });

  it('prints an unexpected error with its stack, with known secrets redacted, and exits 1', async () => {
    const { io, stderr } = fakeIo(
      ['--config_json', '{"token":"tok-123456"}', '--test-connection', '--log-format', 'json'],
      (text) => {
        throw new TypeError(`cannot print ${text.trim()}`);
      },
    );
    assert.equal(await executeCli(makeDestination(), io), 1);
    const entry = JSON.parse(stderr.join('')) as { level: number; msg: string; err: { stack: string } };
    assert.equal(entry.level, 60);
    assert.equal(entry.msg, 'Unexpected error: cannot print dest-inproc: token [REDACTED] accepted');
    assert.match(
      entry.err.stack,
      /^TypeError: cannot print dest-inproc: token \[REDACTED\] accepted\n\s+at /,
    );
    assert.ok(!stderr.join('').includes('tok-123456'));
  });

  it("in Mage's test connection, prints the failure as one ERROR line whose tags.error Mage shows", async () => {
    const { io, stderr } = fakeIo(
      ['--config_json', '{"token":"tok-123456"}', '--test_connection'],
      (text) => {
        throw new TypeError(`cannot print ${text.trim()}`);
      },
    );
    assert.equal(await executeCli(makeDestination(), io), 1);
    assert.equal(stderr.length, 1);
    // mage_ai/data_preparation/models/pipelines/integration_pipeline.py test_connection: a stderr line starting with
    // ERROR, the JSON object in it, its tags.error.
    assert.match(
      stderr[0]!,
      /^ERROR \{"type":"LOG","level":"ERROR","message":"Unexpected error: cannot print/,
    );
    const entry = JSON.parse(stderr[0]!.slice('ERROR '.length)) as { tags: Record<string, unknown> };
    assert.equal(entry.tags.error, 'cannot print dest-inproc: token [REDACTED] accepted');
    assert.ok(!stderr.join('').includes('tok-123456'));
  });

  it('reports a destination class that is not valid with exit 1', async () => {
    class NotADestination {}
    const { io, stderr } = fakeIo(['--about']);
    assert.equal(await executeCli(NotADestination, io), 1);
    assert.match(JSON.parse(stderr.join('')).msg, /NotADestination is not a valid destination/);
  });
});
