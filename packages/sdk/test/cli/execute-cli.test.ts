import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { IsOptional, IsString } from 'class-validator';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeOutput,
  Destination,
  ExportBatch,
  Setting,
  TestConnection,
  type DescribeOutputContext,
  type ProcessContext,
} from '../../src/index';
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

  describe('on a terminal', () => {
    const input = [
      '{"type": "SCHEMA", "stream": "users", "schema": {"properties": {"id": {"type": "integer"}}}, "key_properties": ["id"]}',
      ...Array.from(
        { length: 50 },
        (_, i) => `{"type": "RECORD", "stream": "users", "record": {"id": ${i}}}`,
      ),
      '{"type": "STATE", "value": {"users": 49}}',
      '',
    ].join('\n');

    /** An export that takes longer than the progress interval, so the line is drawn while it runs. */
    function slowDestination() {
      @Destination({ name: 'dest-slow' })
      class SlowDestination {
        @ExportBatch
        async write() {
          await new Promise((resolve) => setTimeout(resolve, 1300));
        }
        @DescribeOutput
        where({ stream }: DescribeOutputContext) {
          return `warehouse.${stream}`;
        }
      }
      return SlowDestination;
    }

    function terminalIo(argv: string[], stdin: Readable, stdinSize?: number) {
      const { io, stderr } = fakeIo(argv);
      const terminal = { isTTY: true, columns: 200, write: (text: string) => stderr.push(text) };
      return { io: { ...io, stdin, stderr: terminal, stdinSize: () => stdinSize }, stderr };
    }

    it('shows how far a --input file is read beside records/s, and names where the data went at the end', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'progress-')), 'in.singer');
      writeFileSync(file, input);
      const { io, stderr } = terminalIo(['--input', file], Readable.from([]));
      assert.equal(await executeCli(slowDestination(), io), 0);
      const text = stderr.join('');
      const line = '\r\x1b[K100% read | 0 records/s | 0 records | 0 batches';
      assert.ok(text.includes(line), text);
      assert.match(
        text,
        /Loaded 50 records \(users 50\) in 1 batch; 1 state emitted; \d+\.\d s\. Written to warehouse\.users\./,
      );
    });

    it('uses the size of a file on stdin, and shows no percentage for a pipe', async () => {
      const sized = terminalIo([], Readable.from([Buffer.from(input)]), Buffer.byteLength(input));
      assert.equal(await executeCli(slowDestination(), sized.io), 0);
      assert.match(sized.stderr.join(''), /100% read \| 0 records\/s/);
      const piped = terminalIo([], Readable.from([Buffer.from(input)]));
      assert.equal(await executeCli(slowDestination(), piped.io), 0);
      const text = piped.stderr.join('');
      assert.ok(text.includes('\r\x1b[K0 records/s | 0 records | 0 batches'), text);
      assert.doesNotMatch(text, /% read/);
    });
  });
});
