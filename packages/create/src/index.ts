/**
 * `npm init @singer-dest dest-foo` (npm runs this package's bin for it): writes a new destination package into the
 * workspace, ready to build, lint and test.
 *
 * @example
 * ```ts
 * import { runCreate } from '@singer-dest/create';
 * process.exitCode = await runCreate(['dest-foo'], process.cwd());
 * ```
 */
export { runCreate, type CreateIo } from './run-create';
export { deriveNames, type DestinationNames } from './names';
export { scaffoldDestination, type ScaffoldResult } from './scaffold';
export { findWorkspace, registerPackage, type Workspace } from './workspace';
