import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deriveNames } from './names';
import { scaffoldDestination } from './scaffold';
import { findWorkspace } from './workspace';

/** Where {@link runCreate} prints: the real streams by default. */
export interface CreateIo {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `Usage: npm init @singer-dest <name>      (or: npx create-singer-dest <name>)

Writes a new Singer destination package into <workspace>/packages/<name>: a destination class with its
settings, a test, a README with the settings table and a bin, registered in the workspace.

Example: npm init @singer-dest dest-snowflake
`;

const defaultIo: CreateIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * The command line of `create-singer-dest`: one argument, the package name. Returns the exit code (0 done,
 * 2 usage error, 1 when the package could not be written).
 *
 * @example
 * ```ts
 * await runCreate(['dest-foo'], '/home/me/singer-dest'); // writes /home/me/singer-dest/packages/dest-foo
 * ```
 */
export async function runCreate(
  argv: readonly string[],
  cwd: string,
  io: CreateIo = defaultIo,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const unknown = argv.find((a) => a.startsWith('-'));
  if (unknown !== undefined || argv.length !== 1) {
    io.err(`${unknown ? `Unknown option ${unknown}.` : 'Give exactly one package name.'}\n\n${USAGE}`);
    return 2;
  }
  const names = deriveNames(argv[0]!);
  if (typeof names === 'string') {
    io.err(`${names}\n`);
    return 2;
  }
  const workspace = findWorkspace(cwd);
  if (workspace === undefined) {
    io.err(
      `No npm workspace found at or above ${cwd}: run this in a clone of singer-dest, or in a folder whose ` +
        'package.json has "workspaces": ["packages/*"] (npm init -y, then add that line).\n',
    );
    return 2;
  }
  let result;
  try {
    result = await scaffoldDestination(workspace, names);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const where = relative(cwd, result.folder) || '.';
  io.out(
    [
      `Created ${names.packageName} in ${where}:`,
      ...result.files.map((f) => `  ${f}`),
      ...(result.registered.length > 0 ? [`Added it to ${result.registered.join(' and ')}.`] : []),
      '',
      'Next:',
      `  npm install                       # links the package and its bin (${names.binName})`,
      `  npm test                          # builds, lints and runs its test with the others`,
      `  npx ${names.binName} --help`,
      ...(existsSync(join(workspace.root, 'examples', 'shop.singer'))
        ? [`  npx ${names.binName} < examples/shop.singer`]
        : [`  npx ${names.binName} < tap-output.singer`]),
      '',
    ].join('\n'),
  );
  return 0;
}
