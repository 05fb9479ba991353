/**
 * `npm init @singer-dest <name>` end to end: in a fresh workspace laid out like this repository (its root files
 * copied, its node_modules linked, so no network is needed), the command writes a package that builds, lints and
 * passes its own test through its own npm scripts, and whose bin loads the example file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { ROOT, tempDir } from '../cli/support/spawn-bin';

const exec = promisify(execFile);
const NAME = 'dest-shop-orders';

/** Runs a command in the workspace; npm is kept offline, so a missing local package fails instead of fetching. */
async function run(cwd: string, command: string, args: string[], input?: string) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_|DEST_|NODE_TEST_CONTEXT$)/i.test(k)),
  );
  const child = exec(command, args, {
    cwd,
    env: { ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (input !== undefined) child.child.stdin?.end(input);
  return child;
}

function makeWorkspace(): string {
  const root = tempDir();
  writeFileSync(
    join(root, 'package.json'),
    `${JSON.stringify({ name: 'workspace', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
  );
  // The root's own layout: compact references, as this repository writes them.
  writeFileSync(
    join(root, 'tsconfig.json'),
    '{\n  "files": [],\n  "references": [\n    { "path": "packages/other" }\n  ]\n}\n',
  );
  for (const file of ['tsconfig.base.json', 'eslint.config.mjs', '.prettierrc.json', '.prettierignore']) {
    copyFileSync(join(ROOT, file), join(root, file));
  }
  cpSync(join(ROOT, 'examples'), join(root, 'examples'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

describe('npm init @singer-dest', () => {
  let root: string;
  let pkg: string;
  let created: { stdout: string; stderr: string };

  before(async () => {
    root = makeWorkspace();
    pkg = join(root, 'packages', NAME);
    created = await run(root, 'npm', ['init', '@singer-dest', NAME]);
  });

  it('writes the package and registers it in the root tsconfig in the root file style', () => {
    assert.match(created.stdout, new RegExp(`Created ${NAME} in packages/${NAME}:`));
    assert.deepEqual(readdirSync(join(pkg, 'src')).sort(), ['index.ts', 'shop-orders-destination.ts']);
    assert.ok(existsSync(join(pkg, 'test', 'shop-orders-destination.test.ts')));
    assert.ok(existsSync(join(pkg, 'bin', `${NAME}.js`)));
    assert.equal(
      readFileSync(join(root, 'tsconfig.json'), 'utf8'),
      '{\n  "files": [],\n  "references": [\n    { "path": "packages/other" },\n' +
        `    { "path": "packages/${NAME}" }\n  ]\n}\n`,
    );
    // packages/* already covers it: package.json is left alone.
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces, ['packages/*']);
  });

  it('keeps the destination to 40 lines and its conformance test to 10 lines after the imports', () => {
    const source = readFileSync(join(pkg, 'src', 'shop-orders-destination.ts'), 'utf8');
    assert.ok(source.trimEnd().split('\n').length <= 40, `${source.split('\n').length} lines`);
    assert.match(source, /@Destination\(\{\n\s+name: 'dest-shop-orders',\n\s+config: ShopOrdersConfig,/);
    assert.match(source, /@IsString\(\)/);
    const test = readFileSync(join(pkg, 'test', 'shop-orders-destination.test.ts'), 'utf8');
    assert.match(test, /^import \{ runConformance, type ReadBackRow \} from '@singer-dest\/sdk\/testing';$/m);
    const body = test.split('\n').filter((l) => !l.startsWith('import ') && l.trim() !== '');
    assert.ok(body.length <= 10, body.join('\n'));
  });

  it('builds, lints and passes its own test with its own npm scripts', async () => {
    await run(root, 'npm', ['run', 'build', '--workspace', `packages/${NAME}`]);
    await run(root, 'npm', ['run', 'lint', '--workspace', `packages/${NAME}`]);
    const test = await run(root, 'npm', ['test', '--workspace', `packages/${NAME}`]);
    // The SDK's conformance kit: every case passes (none skipped), each a test of its own.
    const passed = Number(/# pass (\d+)/.exec(test.stdout)?.[1]);
    assert.ok(passed >= 20, test.stdout);
    assert.match(test.stdout, /# fail 0\n# cancelled 0\n# skipped 0/);
  });

  it('its bin loads the example file and prints its states; --help names its setting', async () => {
    const bin = join(pkg, 'bin', `${NAME}.js`);
    const input = readFileSync(join(root, 'examples', 'shop.singer'), 'utf8');
    const { stdout, stderr } = await run(root, process.execPath, [bin], input);
    assert.equal(stdout.trim().split('\n').length, 3);
    const orders = readFileSync(join(root, 'output', 'orders.jsonl'), 'utf8').split('\n');
    assert.match(orders[0]!, /^\{"id":9007199254740993,.*"exchange_rate":1\.1734567890123456789,/);
    const help = (await run(root, process.execPath, [bin, '--help'])).stdout;
    assert.match(help, /output_path\s+DEST_SHOP_ORDERS_OUTPUT_PATH/);
    const examples = help
      .slice(help.lastIndexOf('Examples:\n') + 'Examples:\n'.length)
      .trimEnd()
      .split('\n');
    assert.deepEqual(examples, [
      `  ${NAME} < tap-output.singer`,
      `  ${NAME} --config config.json < tap-output.singer`,
    ]);
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8').split('\n');
    for (const example of examples) assert.ok(readme.includes(example.trim()), example);
    assert.match(stderr, /Written to output\/customers\.jsonl and output\/orders\.jsonl\./);
    assert.equal((await run(root, process.execPath, [bin, '--version'])).stdout, `${NAME} 0.1.0\n`);
  });

  it("its README's settings table is what --about --format markdown prints for its own settings", async () => {
    const about = (
      await run(root, process.execPath, [join(pkg, 'bin', `${NAME}.js`), '--about', '--format', 'markdown'])
    ).stdout;
    const own = about.split('\n').filter((l) => l.startsWith('| `') && !l.endsWith('(SDK) |'));
    assert.ok(own.length > 0);
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    for (const row of own) assert.ok(readme.includes(row), `README.md lacks the row ${row}`);
  });
});
