/**
 * Helpers for testing destinations written with the SDK.
 *
 * @example
 * ```ts
 * import { runTestDestination } from '@singer-dest/sdk/testing';
 * const { states, batches, error } = await runTestDestination(MyDestination, { file: 'fixtures/users.singer' });
 * ```
 */
export {
  runTestDestination,
  type ExportedBatch,
  type TestRunOptions,
  type TestRunResult,
} from './run-test-destination';
export { runConformance, type ConformanceOptions, type ReadBackRow } from './run-conformance';
export {
  CONFORMANCE_CASES,
  CONFORMANCE_DIR,
  conformanceFile,
  type ConformanceCase,
  type FailCase,
  type LoadCase,
} from './conformance-cases';
export { sameValue } from './same-value';
export { assertEncoderModuleLight, packagesLoadedBy, type LightModuleCheck } from './packages-loaded';
export { writeBatchFiles, type BatchFixture } from './write-batch-files';
// What a destination's own tests need besides running it: a validated config instance, and a logger to read.
export { validateConfig } from '../config/validate-config';
export { resolveDestination } from '../metadata/resolve';
export { createMemoryLogger, type LogEntry } from '../runtime/logger';
