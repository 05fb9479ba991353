import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatLikeWorkspace } from './format-files';
import type { DestinationNames } from './names';
import {
  binSource,
  destinationSource,
  indexSource,
  packageJson,
  readme,
  testSource,
  tsconfigJson,
} from './templates';
import { registerPackage, type Workspace } from './workspace';

/** What {@link scaffoldDestination} wrote. */
export interface ScaffoldResult {
  /** The new package's folder. */
  folder: string;
  /** The files written, relative to the folder, in the order written. */
  files: string[];
  /** What in the workspace root was changed to take the package in. */
  registered: string[];
}

/**
 * Writes a new destination package into `<workspace>/packages/<bin name>` and registers it with the workspace.
 * Source files are formatted with the workspace's prettier when it has one. Refuses (throws) when the folder exists and is not empty, so nothing of the user's is overwritten.
 *
 * @example
 * ```ts
 * (await scaffoldDestination(findWorkspace('.')!, deriveNames('dest-foo') as DestinationNames)).files;
 * // ['package.json', 'tsconfig.json', 'README.md', 'src/foo-destination.ts', ...]
 * ```
 */
export async function scaffoldDestination(
  workspace: Workspace,
  names: DestinationNames,
): Promise<ScaffoldResult> {
  const folder = join(workspace.root, 'packages', names.binName);
  if (existsSync(folder) && readdirSync(folder).length > 0) {
    throw new Error(`${folder} already exists and is not empty; choose another name or remove it first.`);
  }
  const base = join(workspace.root, 'tsconfig.base.json');
  const sdk = join(workspace.root, 'packages', 'sdk', 'tsconfig.json');
  const layout = {
    baseTsconfig: existsSync(base) ? relative(folder, base).split('\\').join('/') : undefined,
    sdkProject: existsSync(sdk) ? '../sdk' : undefined,
  };
  const files: [string, string][] = [
    ['package.json', packageJson(names)],
    ['tsconfig.json', tsconfigJson(layout)],
    ['README.md', readme(names)],
    [`src/${names.fileStem}.ts`, destinationSource(names)],
    ['src/index.ts', indexSource(names)],
    [`test/${names.fileStem}.test.ts`, testSource(names)],
    [`bin/${names.binName}.js`, binSource(names)],
  ];
  for (const [path, text] of files) {
    const target = join(folder, path);
    mkdirSync(join(target, '..'), { recursive: true });
    const formatted = await formatLikeWorkspace(workspace.root, target, text);
    writeFileSync(target, formatted, { mode: path.startsWith('bin/') ? 0o755 : 0o644 });
  }
  const registered = registerPackage(workspace, relative(workspace.root, folder));
  return { folder, files: files.map(([path]) => path), registered };
}
