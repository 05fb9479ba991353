#!/usr/bin/env node
// Runs every compiled test file with node's own test runner. Tests are compiled by `tsc -b` (which keeps the
// decorator metadata that esbuild-based runners drop), so this only finds the *.test.js files and hands them over.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

// Every workspace package's tests (so a package made by `npm init @singer-dest` runs with the others), then the
// end-to-end suite.
const roots = [
  ...readdirSync('packages')
    .sort()
    .map((name) => join('packages', name, 'build', 'test')),
  'test/build',
];
const only = process.argv.slice(2);

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = roots.flatMap(findTests).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('No compiled test files found. Run `npm run build` first.');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
