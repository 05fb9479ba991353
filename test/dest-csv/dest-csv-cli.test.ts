import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

// End-to-end: the real bin, spawned as a user would run it.
const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'packages', 'dest-csv', 'bin', 'dest-csv.js');
const LINKED_BIN = join(ROOT, 'node_modules', '.bin', 'dest-csv');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin with `input` written to a pipe on its stdin, or with an open file descriptor as its stdin. */
function runBin(
  args: string[],
  input: string | Buffer | { fd: number },
  cwd: string,
  command = process.execPath,
  bin: string[] = [BIN],
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const stdin = typeof input === 'object' && 'fd' in input ? input.fd : 'pipe';
    const child = spawn(command, [...bin, ...args], { cwd, stdio: [stdin, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (stdin === 'pipe') child.stdin!.end(input as string | Buffer);
  });
}

const lines = (...messages: object[]) => messages.map((m) => `${JSON.stringify(m)}\n`).join('');
const usersSchema = {
  type: 'SCHEMA',
  stream: 'users',
  key_properties: ['id'],
  schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: ['string', 'null'] } } },
};
const user = (id: number, name: string | null) => ({ type: 'RECORD', stream: 'users', record: { id, name } });
const readCsv = (path: string) =>
  parse(readFileSync(path, 'utf8'), {
    cast: (v, ctx) => (v === '' && !ctx.quoting ? null : v),
  }) as unknown[][];

describe('dest-csv command line', () => {
  it('with no config writes ./output/<stream>.csv and prints only the states on stdout', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dest-csv-e2e-'));
    const input = lines(usersSchema, user(1, 'Ann, "A"'), user(2, null), {
      type: 'STATE',
      value: { users: 2 },
    });
    const run = await runBin([], input, cwd, LINKED_BIN, []);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '{"users":2}\n');
    assert.deepEqual(readdirSync(join(cwd, 'output')), ['users.csv']);
    assert.equal(
      readFileSync(join(cwd, 'output', 'users.csv'), 'utf8'),
      'id,name\r\n1,"Ann, ""A"""\r\n2,\r\n',
    );
  });

  it('ends with a summary naming the files written, part files of a schema change included', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dest-csv-e2e-'));
    const wider = {
      ...usersSchema,
      schema: { type: 'object', properties: { ...usersSchema.schema.properties, age: { type: 'integer' } } },
    };
    const run = await runBin([], lines(usersSchema, user(1, 'Ann'), wider, user(2, 'Bo')), cwd);
    assert.equal(run.code, 0, run.stderr);
    const summary = run.stderr.split('\n').find((l) => l.includes('"summary"'));
    assert.match(
      JSON.parse(summary!).msg,
      /^Loaded 2 records \(users 2\) in 2 batches; 0 states emitted; \d+\.\d s\. Written to output\/users\.csv and output\/users\.part2\.csv\.$/,
    );
  });

  it('takes target-csv settings from --config', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dest-csv-e2e-'));
    writeFileSync(
      join(cwd, 'config.json'),
      JSON.stringify({
        output_path: 'csv',
        file_naming_scheme: 'x-{stream_name}.tsv',
        delimiter: '\t',
        line_terminator: '\n',
      }),
    );
    const run = await runBin(['--config', 'config.json'], lines(usersSchema, user(1, 'a\tb')), cwd);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readFileSync(join(cwd, 'csv', 'x-users.tsv'), 'utf8'), 'id\tname\n1\t"a\tb"\n');
  });

  it('keeps a delete whose _sdc_deleted_at is malformed: a text column holds the marker as the tap sent it', async () => {
    // tap-mysql's shape: not in the schema, not a valid timestamp. CSV cells are text, so nothing can fail or be lost.
    const cwd = mkdtempSync(join(tmpdir(), 'dest-csv-e2e-'));
    writeFileSync(join(cwd, 'config.json'), JSON.stringify({ add_record_metadata: true }));
    const deleted = {
      ...user(2, 'gone'),
      record: { id: 2, name: 'gone', _sdc_deleted_at: '2019-12-18T13:19:44+00:00+00:00' },
    };
    const run = await runBin(
      ['--config', 'config.json'],
      lines(usersSchema, deleted, { type: 'STATE', value: 1 }),
      cwd,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '1\n');
    const [header, row] = readCsv(join(cwd, 'output', 'users.csv'));
    const at = header!.indexOf('_sdc_deleted_at');
    assert.ok(at > 0);
    assert.deepEqual([row![0], row![1], row![at]], ['2', 'gone', '2019-12-18T13:19:44+00:00+00:00']);
  });

  it('appends on a second run and keeps both runs rows', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dest-csv-e2e-'));
    await runBin([], lines(usersSchema, user(1, 'a')), cwd);
    const second = await runBin([], lines(usersSchema, user(2, '')), cwd);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(readCsv(join(cwd, 'output', 'users.csv')), [
      ['id', 'name'],
      ['1', 'a'],
      ['2', ''],
    ]);
  });

  it('--test-connection checks that output_path can be created and written, and writes nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dest-csv-e2e-'));
    const run = await runBin(['--test-connection'], '', cwd);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout + run.stderr, /output_path .*output exists and is writable/);
    assert.deepEqual(readdirSync(join(cwd, 'output')), []);
  });

  it('exits 1 with a clear message when two streams map to one file, after the states it could emit', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dest-csv-e2e-'));
    const other = { ...usersSchema, stream: 'Users' };
    const input = lines(usersSchema, user(1, 'a'), { type: 'STATE', value: { at: 1 } }, other, user(2, 'b'));
    writeFileSync(join(cwd, 'config.json'), JSON.stringify({ batch_size_rows: 1 }));
    const run = await runBin(['--config', 'config.json'], input, cwd);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '{"at":1}\n');
    assert.match(
      run.stderr,
      /stdin line 4: @OnSchema for stream \\"Users\\" failed: Streams \\"users\\" and \\"Users\\" both map/,
    );
    assert.deepEqual(readCsv(join(cwd, 'output', 'users.csv')), [
      ['id', 'name'],
      ['1', 'a'],
    ]);
  });

  it('exits 2 and names the setting when the config is invalid', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dest-csv-e2e-'));
    writeFileSync(join(cwd, 'config.json'), JSON.stringify({ delimiter: '::' }));
    const run = await runBin(['--config', 'config.json'], lines(usersSchema), cwd);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /delimiter must be exactly one character other than CR or LF/);
  });
});

describe('dest-csv reading a file on stdin', () => {
  it('writes the same CSV and states from `dest-csv < file` (read in bigger pieces) as from a pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dest-csv-file-stdin-'));
    // ~3 MB: many reads, lines cut at read boundaries, multi-byte characters among them.
    const messages: object[] = [usersSchema];
    for (let id = 1; id <= 12_000; id++) {
      messages.push(user(id, `名前 ${id} "q", ${'é'.repeat(id % 300)}\n😀`));
      if (id % 5000 === 0) messages.push({ type: 'STATE', value: { users: id } });
    }
    messages.push({ type: 'STATE', value: { users: 12_000 } });
    const inputPath = join(dir, 'input.singer');
    writeFileSync(
      inputPath,
      lines(...messages).replace(/\n/g, (nl, at: number) => (at % 7 === 0 ? '\r\n' : nl)),
    );
    const runWithStdin = async (name: string, input: Buffer | { fd: number }) => {
      const out = join(dir, name);
      const run = await runBin(['--config', writeConfig(dir, name, out)], input, dir);
      return { ...run, csv: readFileSync(join(out, 'users.csv'), 'utf8') };
    };
    const fd = openSync(inputPath, 'r');
    const fromFile = await runWithStdin('file', { fd });
    closeSync(fd);
    const fromPipe = await runWithStdin('pipe', readFileSync(inputPath));
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(fromPipe.code, 0, fromPipe.stderr);
    assert.equal(fromFile.stdout, '{"users":5000}\n{"users":10000}\n{"users":12000}\n');
    assert.equal(fromFile.stdout, fromPipe.stdout);
    assert.equal(fromFile.csv, fromPipe.csv);
    const rows = readCsv(join(dir, 'file', 'users.csv'));
    assert.equal(rows.length, 12_001);
    assert.deepEqual(rows[12_000], ['12000', `名前 12000 "q", ${'é'.repeat(12_000 % 300)}\n😀`]);
  });
});

function writeConfig(dir: string, name: string, outputPath: string): string {
  const path = join(dir, `${name}.json`);
  // Batches of 5000 rows, so each STATE is released by its own batch and the stdout shows all three.
  writeFileSync(path, JSON.stringify({ output_path: outputPath, batch_size_rows: 5000 }));
  return path;
}
