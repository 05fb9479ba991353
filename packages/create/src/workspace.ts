import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** An npm workspace root: the nearest folder upwards whose package.json has `workspaces`. */
export interface Workspace {
  root: string;
  /** The root's package.json, parsed. */
  manifest: { workspaces?: unknown; [key: string]: unknown };
}

/**
 * Finds the workspace a new package joins, looking upwards from `start` as npm does.
 *
 * @example
 * ```ts
 * findWorkspace(process.cwd())?.root; // '/home/me/singer-dest'
 * ```
 */
export function findWorkspace(start: string): Workspace | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Workspace['manifest'];
      if (Array.isArray(manifest.workspaces)) return { root: dir, manifest };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Does a workspaces entry (`packages/*`, `packages/dest-csv`) already cover the folder? */
function covers(pattern: string, folder: string): boolean {
  const clean = pattern.replace(/^\.\//, '').replace(/\/$/, '');
  if (clean === folder) return true;
  return clean.endsWith('/*') && dirname(folder) === clean.slice(0, -2);
}

/**
 * Adds a package folder to the root's `workspaces` (unless a pattern covers it) and to the root tsconfig.json's
 * project references (so `tsc -b` builds it). Returns what it changed, for the user.
 *
 * @example
 * ```ts
 * registerPackage(findWorkspace('.')!, 'packages/dest-foo'); // ['package.json workspaces', 'tsconfig.json references']
 * ```
 */
export function registerPackage(workspace: Workspace, folder: string): string[] {
  const changed: string[] = [];
  const posix = folder.split(sep).join('/');
  const workspaces = workspace.manifest.workspaces as unknown[];
  if (!workspaces.some((w) => typeof w === 'string' && covers(w, posix))) {
    workspaces.push(posix);
    // npm writes package.json as JSON.stringify with two spaces; so do we, keeping the key order.
    writeFileSync(join(workspace.root, 'package.json'), `${JSON.stringify(workspace.manifest, null, 2)}\n`);
    changed.push('package.json workspaces');
  }
  const tsconfigFile = join(workspace.root, 'tsconfig.json');
  if (existsSync(tsconfigFile)) {
    const text = readFileSync(tsconfigFile, 'utf8');
    const tsconfig = JSON.parse(text) as { references?: { path: string }[] };
    const references = tsconfig.references;
    if (references !== undefined && !references.some((r) => r.path.replace(/^\.\//, '') === posix)) {
      writeFileSync(tsconfigFile, addReference(text, tsconfig, posix));
      changed.push('tsconfig.json references');
    }
  }
  return changed;
}

/** Inserts one reference after the last one, in the file's own style; rewrites the file only if it must. */
function addReference(text: string, tsconfig: { references?: { path: string }[] }, path: string): string {
  const lines = text.split('\n');
  let last = -1;
  lines.forEach((l, i) => {
    if (/^\s*\{\s*"path":\s*"[^"]*"\s*\},?\s*$/.test(l)) last = i;
  });
  if (last >= 0) {
    const indent = /^\s*/.exec(lines[last]!)![0];
    if (!lines[last]!.trimEnd().endsWith(',')) lines[last] = `${lines[last]!.trimEnd()},`;
    const closes = lines[last + 1]?.trim().startsWith(']') === true;
    lines.splice(last + 1, 0, `${indent}{ "path": "${path}" }${closes ? '' : ','}`);
    return lines.join('\n');
  }
  tsconfig.references = [...(tsconfig.references ?? []), { path }];
  return `${JSON.stringify(tsconfig, null, 2)}\n`;
}

/** A path for messages: relative to the folder the user is in. */
export function shown(cwd: string, path: string): string {
  return relative(cwd, path) || '.';
}
