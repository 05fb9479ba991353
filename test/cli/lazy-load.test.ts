/**
 * The bins load only what a mode needs (issue 18, start-up): --about, --show-templates and --test-connection
 * never validate a record, so ajv stays unloaded; pg and DuckDB's bindings load only for a mode that opens the
 * database. NODE_DEBUG=module makes Node name every CommonJS module it loads, so a module that is loaded shows in
 * stderr.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createTestSchema, getTestServer } from '@singer-dest/dest-postgres/test-server';
import { DEST_CSV, ROOT, runBin, tempDir, writeJson } from './support/spawn-bin';

const DEST_POSTGRES = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');
const DEST_DUCKDB = join(ROOT, 'packages', 'dest-duckdb', 'bin', 'dest-duckdb.js');

after(async () => (await getTestServer()).stop());

const PACKAGES = { ajv: 'ajv', pg: 'pg', duckdb: '@duckdb/node-api' } as const;
type Heavy = keyof typeof PACKAGES;

/** Which of the heavy packages a bin run loaded, from NODE_DEBUG=module's `load "<file>"` lines. */
async function loadedBy(bin: string, args: string[], input?: string): Promise<Set<Heavy>> {
  const { code, stderr } = await runBin(bin, args, { env: { NODE_DEBUG: 'module' }, input });
  assert.equal(
    code,
    0,
    stderr
      .split('\n')
      .filter((l) => !l.startsWith('MODULE'))
      .join('\n'),
  );
  const loaded = new Set<Heavy>();
  for (const [name, pkg] of Object.entries(PACKAGES) as [Heavy, string][])
    if (stderr.includes(`load "${join(ROOT, 'node_modules', pkg)}/`)) loaded.add(name);
  return loaded;
}

const csvConfig = () => writeJson(tempDir(), 'config.json', { output_path: tempDir() });
const duckdbConfig = () => writeJson(tempDir(), 'config.json', { path: join(tempDir(), 'lazy.duckdb') });

describe('each mode loads only what it needs', () => {
  for (const [name, bin] of [
    ['dest-csv', DEST_CSV],
    ['dest-postgres', DEST_POSTGRES],
    ['dest-duckdb', DEST_DUCKDB],
  ] as const) {
    for (const mode of ['--about', '--show-templates', '--version']) {
      it(`${name} ${mode} loads neither ajv nor pg nor DuckDB`, async () => {
        assert.deepEqual([...(await loadedBy(bin, [mode]))], []);
      });
    }
  }

  it('dest-csv --test-connection does not load ajv', async () => {
    assert.deepEqual([...(await loadedBy(DEST_CSV, ['--config', csvConfig(), '--test-connection']))], []);
  });

  it('dest-postgres --test-connection loads pg and not ajv', async () => {
    const db = await createTestSchema('lazy_load');
    try {
      const config = writeJson(tempDir(), 'config.json', db.settings);
      assert.deepEqual(
        [...(await loadedBy(DEST_POSTGRES, ['--config', config, '--test-connection']))],
        ['pg'],
      );
    } finally {
      await db.drop();
    }
  });

  it('dest-duckdb --test-connection loads DuckDB and not ajv', async () => {
    const loaded = await loadedBy(DEST_DUCKDB, ['--config', duckdbConfig(), '--test-connection']);
    assert.deepEqual([...loaded], ['duckdb']);
  });

  const input =
    '{"type":"SCHEMA","stream":"s","schema":{"properties":{"id":{"type":"integer"}}},"key_properties":[]}\n' +
    '{"type":"RECORD","stream":"s","record":{"id":1}}\n';

  it('a run that reads records loads ajv (what the checks above would see if it were loaded)', async () => {
    assert.deepEqual([...(await loadedBy(DEST_CSV, ['--config', csvConfig()], input))], ['ajv']);
  });

  it('a dest-duckdb run loads ajv and DuckDB', async () => {
    const loaded = await loadedBy(DEST_DUCKDB, ['--config', duckdbConfig()], input);
    assert.deepEqual([...loaded], ['ajv', 'duckdb']);
  });
});
