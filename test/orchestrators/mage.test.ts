// Mage's contract, run through Mage's own code (fixtures/mage_runner.py, copied from mage-ai/mage-ai 5640c790):
// Mage imports the destination module to find its file, runs `python3 <dir>/__init__.py --config_json ... --log_to_stdout 1
// --settings ... --state ... --input_file_path ...` with stdout and stderr merged, shows only the LOG lines its parser
// accepts, fails the block on a LOG line with level ERROR (and on a non-zero exit), reads the state file, and gets
// templates by `--config_json {} --show_templates`.
import { execFileSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createTestSchema } from '@singer-dest/dest-postgres/test-server';
import { DEST_CSV, ROOT, runBin, tempDir } from '../cli/support/spawn-bin';
import { ORCHESTRATOR_FIXTURES, runPython, skipWithoutPython } from './support/python';

const DEST_POSTGRES = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');
const RUNNER = join(ORCHESTRATOR_FIXTURES, 'mage_runner.py');
const FOLDERS = {
  dest_csv: join(ROOT, 'packages', 'dest-csv', 'mage', 'dest_csv'),
  dest_postgres: join(ROOT, 'packages', 'dest-postgres', 'mage', 'dest_postgres'),
};

interface MageExport {
  logs: { message: string; tags: Record<string, unknown> }[];
  error: string | null;
  returncode: number;
  state: unknown;
  state_mode_before: number;
  state_mode_after: number;
  raw_lines: string[];
}

/** A Mage install: mage_integrations/destinations/<folder> copied from the repository, the bins on PATH. */
function installMage(): { root: string; env: NodeJS.ProcessEnv; moduleFile: (uuid: string) => string } {
  // The folders' __init__.py is the SDK's one shim, put there by the build (`npm run build`; `tsc -b` alone does
  // not): the same step here, so the folders are as they ship.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'copy-mage-shim.mjs')]);
  const base = mkdtempSync(join(tmpdir(), 'mage-'));
  const destinations = join(base, 'mage_integrations', 'destinations');
  mkdirSync(destinations, { recursive: true });
  writeFileSync(join(base, 'mage_integrations', '__init__.py'), '');
  writeFileSync(join(destinations, '__init__.py'), '');
  for (const [uuid, folder] of Object.entries(FOLDERS)) {
    mkdirSync(join(destinations, uuid));
    for (const file of ['__init__.py', 'README.md'])
      copyFileSync(join(folder, file), join(destinations, uuid, file));
  }
  // As `npm install -g` leaves them: the bins on PATH under their names.
  const bin = join(base, 'bin');
  mkdirSync(bin);
  symlinkSync(DEST_CSV, join(bin, 'dest-csv'));
  symlinkSync(DEST_POSTGRES, join(bin, 'dest-postgres'));
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DEST_CSV|DEST_POSTGRES|MELTANO_LOAD)_/.test(k)),
  );
  return {
    root: base,
    env: { ...env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
    moduleFile: (uuid) => join(destinations, uuid, '__init__.py'),
  };
}

/**
 * The tap output file as Mage leaves it for the exporter: the tap's merged stdout and stderr (Mage's LOG lines,
 * singer-python's `INFO METRIC:` text, a traceback line), re-dumped by a transformer block with json.dumps (NaN for a
 * missing number, ", " separators) and joined with '\n', so there is no final newline.
 */
function mageInputFile(dir: string): string {
  const lines = [
    '{"caller": "Postgres", "level": "INFO", "message": "Syncing stream users", "tags": {"stream": "users"}, "timestamp": 1714000000, "uuid": "0b2e", "type": "LOG"}',
    '{"type": "SCHEMA", "stream": "users", "schema": {"properties": {"id": {"type": ["null", "integer"]}, "name": {"type": ["null", "string"]}, "score": {"type": ["null", "number"]}}, "type": "object"}, "key_properties": ["id"], "bookmark_properties": ["id"], "unique_conflict_method": "UPDATE", "unique_constraints": ["id"]}',
    'INFO METRIC: {"type": "timer", "metric": "http_request_duration", "value": 0.31, "tags": {"endpoint": "users", "status": "succeeded"}}',
    '{"type": "RECORD", "stream": "users", "record": {"id": 1, "name": "Ada", "score": 9.5}}',
    '{"type": "RECORD", "stream": "users", "record": {"id": 2, "name": "Grace", "score": NaN}}',
    'WARNING urllib3.connectionpool: Retrying (Retry(total=2)) after connection broken',
    // A top-level string `timestamp` in a state: on stdout, Mage's log parser would crash on it.
    '{"type": "STATE", "value": {"bookmarks": {"users": {"id": 2}}, "timestamp": "2024-04-25T00:00:00+00:00"}}',
  ];
  const path = join(dir, 'tap-output', '00000000');
  mkdirSync(join(dir, 'tap-output'));
  writeFileSync(path, lines.join('\n'));
  return path;
}

/** What Mage renders from the exporter's YAML (and passes as --config_json), the raw YAML still holding Jinja. */
function settingsFile(dir: string): string {
  const path = join(dir, 'data_exporter.yaml');
  writeFileSync(
    path,
    "config:\n  password: {{ mage_secret_var('pg_password') }}\n  output_path: {{ env_var('OUT') }}\n",
  );
  return path;
}

function runExport(
  mage: ReturnType<typeof installMage>,
  uuid: keyof typeof FOLDERS,
  config: Record<string, unknown>,
  dir: string,
  input: string,
  prepareState?: (path: string) => void,
): MageExport {
  const stateDir = join(dir, 'destination-state');
  if (prepareState) {
    // Mage pre-creates the state file as `{"bookmarks": {}}` (destination_state_file_path); the runner does the same.
    mkdirSync(join(stateDir, 'users'), { recursive: true });
    const path = join(stateDir, 'users', `${String(config.table)}_state`);
    writeFileSync(path, JSON.stringify({ bookmarks: {} }));
    prepareState(path);
  }
  const result = runPython(
    RUNNER,
    [
      'export',
      mage.moduleFile(uuid),
      JSON.stringify(config),
      settingsFile(dir),
      stateDir,
      'users',
      String(config.table),
      input,
    ],
    '',
    mage.env,
  );
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as MageExport;
}

describe('Mage', { skip: skipWithoutPython }, () => {
  let mage: ReturnType<typeof installMage>;
  before(() => {
    mage = installMage();
  });

  it('imports the shipped destination module without running it (Mage imports it only to find its file)', () => {
    for (const uuid of Object.keys(FOLDERS)) {
      const result = runPython(RUNNER, ['import', mage.root, uuid], '', mage.env);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { file: mage.moduleFile(uuid), still_running: true });
    }
    // One module for every destination: the folder's name names the bin.
    assert.equal(
      readFileSync(join(FOLDERS.dest_csv, '__init__.py'), 'utf8'),
      readFileSync(join(FOLDERS.dest_postgres, '__init__.py'), 'utf8'),
    );
  });

  it("gives Mage's integration-sources API the README as docs and the template parsed from one output line", async () => {
    for (const [uuid, bin] of [
      ['dest_csv', DEST_CSV],
      ['dest_postgres', DEST_POSTGRES],
    ] as const) {
      const result = runPython(RUNNER, ['templates', mage.root, uuid], '', mage.env);
      assert.equal(result.code, 0, result.stderr);
      const info = JSON.parse(result.stdout) as { docs: string; templates: unknown };
      assert.equal(info.docs, readFileSync(join(FOLDERS[uuid], 'README.md'), 'utf8'));
      const template = JSON.parse((await runBin(bin, ['--show-templates'])).stdout) as object;
      assert.deepEqual(info.templates, { config: template });
    }
    const raw = await runBin(DEST_CSV, ['--config_json', '{}', '--show_templates']);
    assert.equal(raw.code, 0);
    assert.equal(raw.stderr, '');
    assert.equal(raw.stdout.split('\n').length, 2, 'one line and its newline');
  });

  it('dest-csv: loads a Mage input file (LOG and text lines, NaN, no final newline) into the table-named file, with Mage-visible logs and the state file', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const result = runExport(
      mage,
      'dest_csv',
      { output_path: out, table: 'dim_users' },
      dir,
      mageInputFile(dir),
      (path) => chmodSync(path, 0o644),
    );
    assert.equal(result.error, null, JSON.stringify(result.logs));
    assert.equal(result.returncode, 0);
    assert.equal(
      readFileSync(join(out, 'dim_users.csv'), 'utf8'),
      'id,name,score\r\n1,Ada,9.5\r\n2,Grace,\r\n',
    );
    assert.deepEqual(result.state, {
      bookmarks: { users: { id: 2 } },
      timestamp: '2024-04-25T00:00:00+00:00',
    });
    assert.deepEqual([result.state_mode_before, result.state_mode_after], [0o644, 0o644]);
    // Every line we print reaches Mage's log view: each is a LOG line (the state goes to the state file only).
    for (const line of result.raw_lines)
      assert.equal((JSON.parse(line) as { type: string }).type, 'LOG', line);
    const shown = result.logs.map((l) => ({ message: l.message.replace(/^\S+ /, ''), tags: l.tags }));
    const nan = shown.find((l) => /NaN or Infinity/.test(l.message));
    assert.ok(nan, 'the NaN warning is shown');
    assert.deepEqual([nan.tags.level, nan.tags.stream, nan.tags.property], ['WARNING', 'users', 'score']);
    assert.ok(shown.some((l) => /skipped 2 line\(s\) that are not JSON/.test(l.message)));
    assert.ok(shown.some((l) => /skipped 1 line\(s\) that are a Mage LOG line/.test(l.message)));
    const metric = shown.find((l) => l.message.startsWith('METRIC: {"type":"counter"'));
    assert.equal(metric?.tags.stream, 'users');
    assert.ok(shown.some((l) => /^Loaded 2 records \(users 2\) in 1 batch; 1 state emitted/.test(l.message)));
  });

  it('dest-csv: a failed run is one ERROR line, and Mage shows its coded message, not "exit status 1"', () => {
    const dir = tempDir();
    const input = join(dir, 'input');
    writeFileSync(input, '{"type": "RECORD", "stream": "users", "record": {"id": 1}}');
    const result = runExport(mage, 'dest_csv', { output_path: join(dir, 'out'), table: 'users' }, dir, input);
    assert.match(
      result.error ?? '',
      /ERR_RECORD_BEFORE_SCHEMA: .*input line 1: RECORD for stream "users" arrived before its SCHEMA\. Send a SCHEMA message for "users" first\. \{"code": "ERR_RECORD_BEFORE_SCHEMA", "line": 1, "stream": "users"/,
    );
    const errorLines = result.raw_lines.filter((l) => /"level":\s*"(ERROR|EXCEPTION)"/.test(l));
    assert.equal(errorLines.length, 1);
    assert.equal(result.returncode, 1);
    assert.deepEqual(result.state, { bookmarks: {} });
  });

  it("dest-postgres: Mage's table config names the table (dim_users, not users)", async () => {
    const db = await createTestSchema('mage_table');
    try {
      const dir = tempDir();
      const result = runExport(
        mage,
        'dest_postgres',
        { ...db.settings, add_record_metadata: false, table: 'dim_users' },
        dir,
        mageInputFile(dir),
        () => undefined,
      );
      assert.equal(result.error, null, JSON.stringify(result.logs));
      const rows = await db.query(
        `SELECT id::int, name, score::float8 AS score FROM "${db.schema}".dim_users ORDER BY id`,
      );
      assert.deepEqual(rows, [
        { id: 1, name: 'Ada', score: 9.5 },
        { id: 2, name: 'Grace', score: null },
      ]);
      const tables = await db.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
        [db.schema],
      );
      assert.deepEqual(
        tables.map((t) => t.table_name),
        ['dim_users'],
      );
      assert.deepEqual(result.state, {
        bookmarks: { users: { id: 2 } },
        timestamp: '2024-04-25T00:00:00+00:00',
      });
    } finally {
      await db.drop();
    }
  });

  it("dest-postgres: Mage's Test connection shows our reason (tags.error of the ERROR line)", () => {
    const result = runPython(
      RUNNER,
      [
        'test_connection',
        mage.moduleFile('dest_postgres'),
        JSON.stringify({ host: '127.0.0.1', port: 1, table: 'x' }),
      ],
      '',
      mage.env,
    );
    assert.equal(result.code, 0, result.stderr);
    const { error } = JSON.parse(result.stdout) as { error: string };
    // The reason alone, not the whole stderr; Mage itself masks config values of 8 characters or more.
    assert.equal(error, 'Connection test failed: connect ECONNREFUSED *********:1');
  });
});

describe("Mage's batch-pipeline argv", () => {
  it('accepts --catalog_json (ignored: the input decides) with the flags in the order Mage passes them', async () => {
    const dir = tempDir();
    const input = join(dir, 'input');
    writeFileSync(
      input,
      '{"type": "SCHEMA", "stream": "users", "schema": {"properties": {"id": {"type": "integer"}}}, "key_properties": ["id"]}\n' +
        '{"type": "RECORD", "stream": "users", "record": {"id": 7}}\n{"type": "STATE", "value": {"bookmarks": {"users": 7}}}',
    );
    const state = join(dir, 'state');
    writeFileSync(state, '{"bookmarks": {}}');
    chmodSync(state, 0o640);
    const catalog = {
      streams: [
        {
          stream: 'users',
          destination_table: 'people',
          key_properties: ['id'],
          replication_method: 'INCREMENTAL',
          schema: { type: 'object', properties: { id: { type: 'integer' } } },
        },
      ],
    };
    // mage_ai/data_preparation/models/block/data_integration/utils.py: --config_json goes last.
    const { code, stderr, stdout } = await runBin(DEST_CSV, [
      '--log_to_stdout',
      '1',
      '--state',
      state,
      '--input_file_path',
      input,
      '--catalog_json',
      JSON.stringify(catalog),
      '--config_json',
      JSON.stringify({ output_path: join(dir, 'out'), table: 'people' }),
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, '', 'STATE goes to the --state file only, as in Mage');
    assert.equal(readFileSync(join(dir, 'out', 'people.csv'), 'utf8'), 'id\r\n7\r\n');
    assert.equal(readFileSync(state, 'utf8'), '{"bookmarks":{"users":7}}\n');
    assert.equal(statSync(state).mode & 0o777, 0o640);
    const bad = await runBin(DEST_CSV, ['--catalog_json', '{oops', '--config_json', '{}']);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /--catalog_json must be a JSON object \(a Singer catalog\), and is not valid JSON\./,
    );
  });
});
