import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import { HandlerError, SdkError, describeError } from '../errors';
import type { Constructor } from '../metadata/metadata-types';
import { resolveDestination, type DestinationDefinition } from '../metadata/resolve';
import type { BatchContext, RunMode, RunSummary } from '../contexts';
import { bindHandlers, type BoundHandlers } from './bind-handlers';
import { describeOutputs } from './describe-outputs';
import { openStdin } from './input-stream';
import { createLogger } from './logger';
import { tuneProcess } from './process-tuning';
import { ProcessLoop, emptySummary, type BatchReport } from './process-loop';
import { DEFAULT_RUN_SETTINGS, MIB, type RunSettings } from './settings';

/** How to run a destination. Everything has a default. */
export interface RunOptions {
  /** Singer messages, one JSON object a line. Default: standard input ({@link openStdin}). */
  input?: Readable;
  /** Name of the input in messages. Default `stdin`. */
  inputName?: string;
  /** Where STATE lines go. Default `process.stdout`. */
  output?: Writable;
  /** The validated config instance handlers receive. Default: a new instance of the config class, or `{}`. */
  config?: unknown;
  /** Overrides of the loop's limits and policies (the CLI fills these from the config). */
  settings?: Partial<RunSettings>;
  logger?: Logger;
  /** Aborting stops reading; what was read is flushed and its states written (graceful SIGTERM). */
  signal?: AbortSignal;
  /** Called after each STATE line is written. */
  onState?: (text: string) => void | Promise<void>;
  /**
   * Tune the process for this run (a block pool sized to the batch limit, a collection after large batches, V8's
   * `--expose-gc` set at run time): for an entry point that owns the process. `runCli` sets it; leave it off when
   * embedding, and the process is left as it was.
   */
  tuneProcess?: boolean;
  /** Called after each batch is exported. */
  onBatchExported?: (report: BatchReport) => void;
  /** Called with each exported batch's context (what the testing helpers record). */
  observeBatch?: (context: BatchContext) => void;
  /**
   * `mage` reads the input as Mage's runner writes it: lines that are no Singer message are skipped and counted,
   * Python's `NaN`/`Infinity` load as NULL with a warning per property. Default `singer`: both are errors.
   */
  inputDialect?: 'singer' | 'mage';
}

/** A class or an already resolved definition. */
export type DestinationLike = Constructor | DestinationDefinition;

/** Resolves a class, or passes a definition through. */
export function toDefinition(destination: DestinationLike): DestinationDefinition {
  return 'handlers' in destination && 'target' in destination ? destination : resolveDestination(destination);
}

/** The settings a run uses: the defaults, then the `@Destination` limits, then the overrides. */
export function resolveRunSettings(
  definition: DestinationDefinition,
  overrides: Partial<RunSettings> = {},
): RunSettings {
  const { limits } = definition;
  const fromDecorator: Partial<RunSettings> = {
    maxBatchBytes: limits.maxBatchMb * MIB,
    jsonColumnsHoldAnyJson: definition.jsonColumnsHoldAnyJson,
    ...(limits.batchSizeRows !== undefined && { batchSizeRows: limits.batchSizeRows }),
    ...(limits.batchWaitLimitSeconds !== undefined && {
      batchWaitLimitMs: limits.batchWaitLimitSeconds * 1000,
    }),
  };
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_RUN_SETTINGS, ...fromDecorator, ...defined };
}

function defaultConfig(definition: DestinationDefinition): unknown {
  return definition.configClass ? new definition.configClass() : {};
}

async function callHook(name: string, run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SdkError) throw error;
    throw new HandlerError('ERR_HANDLER_FAILED', `@${name} failed: ${describeError(error)}`, error);
  }
}

/**
 * Runs `fn` between the destination's `@BeforeProcess` and `@AfterProcess` hooks. The after-process hook runs
 * even when something failed, and gets the error, so connections always close.
 */
async function withLifecycle<T extends RunSummary | string | void>(
  handlers: BoundHandlers,
  base: { config: unknown; logger: Logger; mode: RunMode },
  emptySummary: () => RunSummary,
  fn: () => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  let failure: unknown;
  try {
    if (handlers.beforeProcess) await callHook('BeforeProcess', () => handlers.beforeProcess!(base));
    result = await fn();
  } catch (error) {
    failure = error;
  }
  if (handlers.afterProcess) {
    const summary = typeof result === 'object' ? result : emptySummary();
    try {
      await callHook('AfterProcess', () => handlers.afterProcess!({ ...base, error: failure, summary }));
    } catch (error) {
      if (failure === undefined) failure = error;
      else base.logger.error({ err: error }, `@AfterProcess also failed: ${describeError(error)}`);
    }
  }
  if (failure !== undefined) throw failure;
  return result as T;
}

/**
 * Runs a destination over a Singer input: `@BeforeProcess`, the batching loop, `@AfterProcess`. Resolves with the
 * run's counts; rejects with an {@link SdkError} (or the handler's error wrapped in a `HandlerError`).
 *
 * @example
 * ```ts
 * const summary = await runDestination(CsvDestination, { input: createReadStream('in.singer'), config });
 * console.error(summary.records);
 * ```
 */
export async function runDestination(destination: DestinationLike, options: RunOptions): Promise<RunSummary> {
  const definition = toDefinition(destination);
  const logger = options.logger ?? createLogger();
  const config = options.config ?? defaultConfig(definition);
  const handlers = bindHandlers(definition, new definition.target());
  const settings = resolveRunSettings(definition, options.settings);
  if (options.tuneProcess === true) tuneProcess(settings);
  const loop = new ProcessLoop({
    handlers,
    config,
    logger,
    settings,
    output: options.output ?? process.stdout,
    inputName: options.inputName ?? 'stdin',
    signal: options.signal,
    onState: options.onState,
    onBatchExported: options.onBatchExported,
    observeBatch: options.observeBatch,
    inputDialect: options.inputDialect,
  });
  let summary: RunSummary | undefined;
  return withLifecycle(
    handlers,
    { config, logger, mode: 'process' },
    () => summary ?? loop.summary,
    async () => {
      summary = await loop.run(options.input ?? openStdin());
      await describeOutputs(handlers.describeOutput, summary, { config, logger });
      return summary;
    },
  );
}

/**
 * Runs `@BeforeProcess`, `@TestConnection` and `@AfterProcess`, and returns what the check said it checked.
 * Rejects with `ERR_TEST_CONNECTION_FAILED` when the check throws.
 *
 * @example
 * ```ts
 * const checked = await testConnection(PostgresDestination, { config });
 * ```
 */
export async function testConnection(
  destination: DestinationLike,
  options: { config?: unknown; logger?: Logger } = {},
): Promise<string> {
  const definition = toDefinition(destination);
  const logger = options.logger ?? createLogger();
  const config = options.config ?? defaultConfig(definition);
  const handlers = bindHandlers(definition, new definition.target());
  const base = { config, logger, mode: 'test-connection' as const };
  return withLifecycle(handlers, base, emptySummary, async () => {
    if (!handlers.testConnection)
      return `${definition.name} has no @TestConnection check; configuration is valid`;
    try {
      const said = await handlers.testConnection(base);
      return typeof said === 'string' && said.length > 0 ? said : 'connection OK';
    } catch (error) {
      throw new HandlerError(
        'ERR_TEST_CONNECTION_FAILED',
        `Connection test failed: ${describeError(error)}`,
        error,
      );
    }
  });
}
