/**
 * The root README's runnable blocks, run as a newcomer would run them: in order, in one fresh folder that holds
 * the repository's `examples/` and `node_modules` (so `npx dest-csv` finds the workspace bin, as it does in a
 * clone), each block's stdout compared with the output block the README shows after it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { createTestSchema, getTestServer, type TestSchema } from '@singer-dest/dest-postgres/test-server';
import { ROOT, tempDir } from '../cli/support/spawn-bin';
import { readRunnableBlocks } from './runnable-blocks';

const run = promisify(execFile);

/** This process's environment without settings of ours or npm's own variables leaking into the commands. */
function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([k]) => !/^(DEST_|npm_)/i.test(k));
  return { ...Object.fromEntries(kept), ...extra };
}

function postgresEnvironment(db: TestSchema): Record<string, string> {
  const { server, schema } = db;
  return {
    DEST_POSTGRES_HOST: server.host,
    DEST_POSTGRES_PORT: String(server.port),
    DEST_POSTGRES_USER: server.user,
    DEST_POSTGRES_DATABASE: server.database,
    ...(server.password === undefined ? {} : { DEST_POSTGRES_PASSWORD: server.password }),
    DEST_POSTGRES_DEFAULT_TARGET_SCHEMA: schema,
  };
}

const blocks = readRunnableBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const schemas: TestSchema[] = [];

after(async () => {
  for (const db of schemas) await db.drop();
  await (await getTestServer()).stop();
});

describe('root README', () => {
  it('marks a dest-csv and a dest-postgres block as runnable, each with the output it prints', () => {
    assert.ok(blocks.some((b) => b.needs === undefined && b.code.includes('npx dest-csv < examples/')));
    assert.ok(blocks.some((b) => b.needs === 'postgres' && b.code.includes('npx dest-postgres < examples/')));
    for (const block of blocks) assert.notEqual(block.output, undefined, `README line ${block.line}`);
  });

  it('runnable blocks print what the README shows, run in order in a fresh folder', async () => {
    const cwd = tempDir();
    cpSync(join(ROOT, 'examples'), join(cwd, 'examples'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(cwd, 'node_modules'), 'dir');
    for (const block of blocks) {
      let extra: Record<string, string> = {};
      if (block.needs === 'postgres') {
        const db = await createTestSchema('readme');
        schemas.push(db);
        extra = postgresEnvironment(db);
      } else if (block.needs !== undefined) {
        assert.fail(`README line ${block.line}: unknown set-up "${block.needs}"`);
      }
      const { stdout } = await run('bash', ['-eo', 'pipefail', '-c', block.code], {
        cwd,
        env: cleanEnvironment(extra),
        maxBuffer: 16 * 1024 * 1024,
      });
      // CSV rows end in CRLF (RFC 4180); the README shows them as plain lines.
      assert.equal(stdout.replace(/\r\n/g, '\n'), block.output, `README block at line ${block.line}`);
    }
  });

  it('the PostgreSQL block loads every row of the example, upserted by key, values exact', async () => {
    const db = schemas[0];
    assert.ok(db, 'the runnable PostgreSQL block ran first');
    const customers = await db.query<{ id: number; loyalty_tier: string | null; city: string | null }>(
      `SELECT id::int AS id, loyalty_tier, address->>'city' AS city FROM "${db.schema}".customers ORDER BY id`,
    );
    assert.deepEqual(
      customers.map((c) => [c.id, c.loyalty_tier, c.city]),
      [
        [1, null, 'London'],
        [2, 'gold', 'Arlington'],
        [3, null, null],
        [4, null, 'Cambridge'],
      ],
    );
    const orders = await db.query<{ id: string; total: string; exchange_rate: string }>(
      `SELECT id::text, total::text, exchange_rate::text FROM "${db.schema}".orders ORDER BY id`,
    );
    assert.deepEqual(orders, [
      { id: '9007199254740993', total: '1234.5', exchange_rate: '1.1734567890123456789' },
      { id: '9007199254740994', total: '19.99', exchange_rate: '1' },
    ]);
  });
});
