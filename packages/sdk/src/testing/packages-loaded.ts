import { spawnSync } from 'node:child_process';

/**
 * The packages under node_modules that requiring `module` loads in a fresh Node process, by name, sorted: for a
 * test that an encoder module (which every encode thread loads) stays free of the SDK's run-time (class-validator,
 * ajv, pino), by importing from `@singer-dest/sdk/toolkit`. Throws when the module cannot be loaded.
 *
 * @example
 * ```ts
 * assert.equal(packagesLoadedBy(join(__dirname, '..', 'src', 'row-encoder.js')).includes('pino'), false);
 * ```
 */
export function packagesLoadedBy(module: string): string[] {
  const script =
    `require(${JSON.stringify(module)});` +
    'const names = Object.keys(require.cache).flatMap((f) => f.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1] ?? []);' +
    'process.stdout.write(JSON.stringify([...new Set(names)].sort()));';
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`requiring ${module} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}
