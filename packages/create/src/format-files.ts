import { join } from 'node:path';

/** The part of prettier's API used here. */
interface Prettier {
  format(text: string, options: Record<string, unknown>): Promise<string>;
  resolveConfig(file: string): Promise<Record<string, unknown> | null>;
}

function loadPrettier(root: string): Prettier | undefined {
  try {
    // The workspace's prettier, not one of ours: resolved from its root at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve('prettier', { paths: [root] })) as Prettier;
  } catch {
    return undefined;
  }
}

/**
 * Formats generated source files with the workspace's own prettier and settings, when it has prettier, so a new
 * package passes the workspace's `prettier --check` whatever the length of its names. Without prettier the
 * templates are left as written (they are formatted for the default width).
 *
 * @example
 * ```ts
 * const text = await formatLikeWorkspace('/repo', '/repo/packages/dest-foo/src/index.ts', source);
 * ```
 */
export async function formatLikeWorkspace(root: string, file: string, text: string): Promise<string> {
  if (!/\.(ts|js|json)$/.test(file)) return text;
  const prettier = loadPrettier(root);
  if (prettier === undefined) return text;
  const options = (await prettier.resolveConfig(join(file))) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}
