import assert from 'node:assert/strict';
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

/** The packages of the SDK's run-time, which an encoder module must not load. */
const SDK_RUN_TIME = ['ajv', 'class-transformer', 'class-validator', 'pino', 'reflect-metadata'];

/** What {@link assertEncoderModuleLight} checks. */
export interface LightModuleCheck {
  /** The encoder module (the encoder's `module`), which every encode thread loads. */
  module: string;
  /** The package's root, which the main thread loads: the control, which must load the heavy packages. */
  root: string;
  /** Heavy packages of the destination's own (e.g. `pg`), which the module must not load either. */
  alsoHeavy?: readonly string[];
  /** Heavy packages the root loads only when used (ajv at the first SCHEMA), so the control does not expect them. */
  lazy?: readonly string[];
  /** Packages the module must load: what its rows need. */
  needs?: readonly string[];
}

/**
 * Asserts that an encoder module loads none of the SDK's run-time (class-validator, ajv, pino) nor `alsoHeavy`,
 * and does load `needs`; and, as the control that the check can fail, that the package root does load the heavy
 * packages but the `lazy` ones.
 *
 * @example
 * ```ts
 * assertEncoderModuleLight({ module: ROWS.module, root: join(__dirname, '..', 'src', 'index.js'), lazy: ['ajv'] });
 * ```
 */
export function assertEncoderModuleLight(check: LightModuleCheck): void {
  const heavy = [...SDK_RUN_TIME, ...(check.alsoHeavy ?? [])];
  const loaded = packagesLoadedBy(check.module);
  assert.deepEqual(
    loaded.filter((name) => heavy.includes(name)),
    [],
    loaded.join(', '),
  );
  for (const name of check.needs ?? [])
    assert.ok(loaded.includes(name), `${name} not in ${loaded.join(', ')}`);
  const root = packagesLoadedBy(check.root);
  assert.deepEqual(
    heavy.filter((name) => !(check.lazy ?? []).includes(name) && !root.includes(name)),
    [],
    root.join(', '),
  );
}
