/**
 * The entry point a destination's bin file calls. It answers `--version` from the package's own `package.json`
 * before anything else is loaded, because start-up is paid by every `tap | target` run and by every interactive
 * call an orchestrator makes; every other command line loads the destination and goes to {@link runCli}.
 *
 * This module imports nothing at the top: the SDK's run-time (ajv, pino, class-validator) is required only when
 * it is needed.
 *
 * @example
 * ```js
 * #!/usr/bin/env node
 * const { runBin } = require('@singer-dest/sdk/bin');
 * runBin(require('../package.json'), () => require('../build/src/index.js').CsvDestination);
 * ```
 */
import type { Constructor } from '../metadata/metadata-types';

/** The fields of a destination's `package.json` that {@link runBin} reads. */
export interface BinPackageJson {
  version?: string;
  /** `{ "<bin name>": "<file>" }`: the first bin's name is what `--version` prints. */
  bin?: Record<string, string> | string;
  name?: string;
}

/** `dest-csv 0.1.0`: the bin's name and the package's version, as the destination's own `--version` prints. */
export function formatBinVersion(packageJson: BinPackageJson): string {
  const name =
    typeof packageJson.bin === 'object'
      ? Object.keys(packageJson.bin)[0]
      : packageJson.name?.replace(/^@[^/]+\//, '');
  return `${name ?? 'unknown'} ${packageJson.version ?? 'unknown'}`;
}

/**
 * Runs a destination's command line: `--version` alone is answered at once; anything else loads the destination
 * class with `load` and calls {@link runCli}. A test keeps the two answers the same (see the bins' tests).
 */
export function runBin(packageJson: BinPackageJson, load: () => Constructor): void {
  const args = process.argv.slice(2);
  if (args.length === 1 && args[0] === '--version') {
    process.stdout.write(`${formatBinVersion(packageJson)}\n`);
    return;
  }
  // Before anything is loaded: loading the destination's modules would grow V8's young generation past what the
  // run needs, and V8 never gives that memory back. runCli's process tuning then lets it grow to its cap.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const heap = require('../runtime/heap-limits') as typeof import('../runtime/heap-limits');
  heap.holdYoungGeneration();
  // Required here, not imported above: that is the whole point of this module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runCli } = require('./run-cli') as typeof import('./run-cli');
  runCli(load());
}
