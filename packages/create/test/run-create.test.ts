import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCreate } from '../src/run-create';
import { DEPENDENCY_VERSIONS } from '../src/templates';

async function create(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await runCreate(argv, cwd, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('create-singer-dest', () => {
  it('is a usage error (2) without exactly one name, or with an unknown option', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'create-'));
    assert.match(
      (await create([], cwd)).err,
      /^Give exactly one package name\.\n\nUsage: npm init @singer-dest/,
    );
    assert.equal((await create(['a', 'b'], cwd)).code, 2);
    const unknown = await create(['--force', 'dest-x'], cwd);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /^Unknown option --force\./);
    assert.match((await create(['--help'], cwd)).out, /Example: npm init @singer-dest dest-snowflake/);
  });

  it('refuses to run outside an npm workspace, saying how to make one', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'create-'));
    const result = await create(['dest-x'], cwd);
    assert.equal(result.code, 2);
    assert.match(result.err, /^No npm workspace found at or above .*"workspaces": \["packages\/\*"\]/);
  });

  it('never writes into a folder that already holds files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'create-'));
    writeFileSync(join(root, 'package.json'), '{"workspaces": ["packages/*"]}');
    mkdirSync(join(root, 'packages', 'dest-x'), { recursive: true });
    writeFileSync(join(root, 'packages', 'dest-x', 'mine.txt'), 'keep');
    const result = await create(['dest-x'], root);
    assert.equal(result.code, 1);
    assert.match(
      result.err,
      /dest-x already exists and is not empty; choose another name or remove it first\./,
    );
    assert.equal(readFileSync(join(root, 'packages', 'dest-x', 'mine.txt'), 'utf8'), 'keep');
  });

  it('gives the new package the versions of the SDK and of its validation libraries that this repo uses', () => {
    const sdk = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'sdk', 'package.json'), 'utf8'));
    assert.equal(DEPENDENCY_VERSIONS['@singer-dest/sdk'], `^${sdk.version}`);
    assert.equal(DEPENDENCY_VERSIONS['class-validator'], sdk.dependencies['class-validator']);
    assert.equal(DEPENDENCY_VERSIONS['class-transformer'], sdk.dependencies['class-transformer']);
  });
});
