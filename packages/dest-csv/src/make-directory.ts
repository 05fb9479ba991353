import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CsvError } from './csv-error';

/**
 * Creates a directory and its missing parents one level at a time, failing at once with a clear error.
 *
 * Why not `mkdir(path, { recursive: true })`: on a file system that answers ENOENT for a parent that exists (a
 * path under /proc), Node's recursive mkdir retries forever at 100% CPU, and the run cannot even be stopped.
 *
 * @example
 * ```ts
 * await makeDirectory('/data/out', 'output_path'); // throws CsvError ERR_CSV_OUTPUT_PATH for '/proc/out'
 * ```
 */
export async function makeDirectory(path: string, setting: string): Promise<void> {
  const target = resolve(path);
  const missing: string[] = [];
  for (let at = target; ; at = dirname(at)) {
    const found = await stat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw cannotCreate(target, setting, at, error);
    });
    if (found !== undefined) {
      if (!found.isDirectory())
        throw cannotCreate(
          target,
          setting,
          at,
          Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }),
        );
      break;
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const dir of missing) {
    await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw cannotCreate(target, setting, dir, error);
    });
  }
}

function cannotCreate(target: string, setting: string, at: string, error: NodeJS.ErrnoException): CsvError {
  const where = at === target ? '' : ` (at ${at})`;
  return new CsvError(
    'ERR_CSV_OUTPUT_PATH',
    `${setting} ${target} cannot be created${where}: ${error.code ?? error.message}. Set output_path to a ` +
      'directory this process can create and write to.',
  );
}
