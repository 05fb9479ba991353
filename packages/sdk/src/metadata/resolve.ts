/**
 * Turns the records the decorators wrote into one immutable {@link DestinationDefinition}, checking the whole class
 * and reporting every problem in a single error.
 */
import { isAbsolute } from 'node:path';
import type { EncoderModule } from '../encoder';
import { DestinationDefinitionError } from '../errors';
import { readDestinationMetadata, readHandlerMetadata } from './store';
import {
  MELTANO_TARGET_CAPABILITIES,
  type Constructor,
  type DestinationOptions,
  type HandlerKind,
  type HandlerMetadata,
  type MeltanoTargetCapability,
} from './metadata-types';

/** Default batch size, as Mage's `Destination` has it. */
export const DEFAULT_MAX_BATCH_MB = 100;

/** A destination class, checked and ready to run. */
export interface DestinationDefinition {
  readonly target: Constructor;
  readonly className: string;
  /** Executable name, e.g. `dest-csv`. */
  readonly name: string;
  readonly version: string | undefined;
  readonly description: string | undefined;
  readonly configClass: Constructor | undefined;
  /** The Meltano capabilities `@Destination` declared (the CLI adds the derived ones). */
  readonly capabilities: readonly MeltanoTargetCapability[];
  /** Example command lines for `--help`. */
  readonly examples: readonly string[];
  readonly limits: Readonly<{ maxBatchMb: number; batchSizeRows?: number; batchWaitLimitSeconds?: number }>;
  /** From `@Destination({ jsonColumnsHoldAnyJson })`; false by default. */
  readonly jsonColumnsHoldAnyJson: boolean;
  /** The method name of each hook the class has. `exportBatch` is always there. */
  readonly handlers: Readonly<Partial<Record<HandlerKind, string | symbol>>> & {
    readonly exportBatch: string | symbol;
  };
  /** From `@EncodeWith`: where the encoder factory is (its facts method is `handlers.encoderFacts`). */
  readonly encoder: EncoderModule | undefined;
}

const SINGLE_HANDLERS: readonly HandlerKind[] = [
  'exportBatch',
  'encoderFacts',
  'onSchema',
  'onActivateVersion',
  'beforeProcess',
  'afterProcess',
  'testConnection',
  'describeOutput',
];

const DECORATOR_NAMES: Record<HandlerKind, string> = {
  exportBatch: '@ExportBatch',
  encoderFacts: '@EncodeWith',
  onSchema: '@OnSchema',
  onActivateVersion: '@OnActivateVersion',
  beforeProcess: '@BeforeProcess',
  afterProcess: '@AfterProcess',
  testConnection: '@TestConnection',
  describeOutput: '@DescribeOutput',
};

function checkExamples(examples: unknown, problems: string[]): void {
  if (examples === undefined) return;
  const valid =
    Array.isArray(examples) &&
    examples.every((e) => typeof e === 'string' && e.trim() !== '' && !e.includes('\n'));
  if (!valid) problems.push('examples must be a list of one-line command strings');
}

function checkLimits(options: DestinationOptions, problems: string[]): void {
  const positive = (value: number | undefined, label: string) => {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      problems.push(`${label} must be a positive number, got ${String(value)}`);
    }
  };
  positive(options.maxBatchMb, '@Destination maxBatchMb');
  positive(options.batchSizeRows, '@Destination batchSizeRows');
  positive(options.batchWaitLimitSeconds, '@Destination batchWaitLimitSeconds');
  if (options.config !== undefined && typeof options.config !== 'function') {
    problems.push('@Destination config must be a class (the class-validator config class)');
  }
  for (const name of options.capabilities ?? []) {
    if (!(MELTANO_TARGET_CAPABILITIES as readonly string[]).includes(name)) {
      problems.push(
        `@Destination capabilities: ${JSON.stringify(name)} is not a Meltano loader capability; use one of ` +
          MELTANO_TARGET_CAPABILITIES.join(', '),
      );
    }
  }
}

function collectHandlers(records: HandlerMetadata[], problems: string[]) {
  const handlers: Partial<Record<HandlerKind, string | symbol>> = {};
  for (const kind of SINGLE_HANDLERS) {
    const found = records.filter((r) => r.kind === kind);
    for (const r of found.filter((f) => !f.isMethod)) {
      problems.push(`${DECORATOR_NAMES[kind]} is on "${String(r.propertyKey)}", which is not a method`);
    }
    const methods = found.filter((f) => f.isMethod);
    // A subclass may override its parent's hook with the same method name; that is one hook, not two.
    const names = [...new Set(methods.map((m) => m.propertyKey))];
    if (names.length > 1) {
      problems.push(
        `${DECORATOR_NAMES[kind]} is on ${names.length} methods (${names.map(String).join(', ')}); use it on exactly one`,
      );
    }
    if (names[0] !== undefined) handlers[kind] = names[0];
  }
  return handlers;
}

/** The `@EncodeWith` module, checked for shape only (it is loaded when a run starts, on the threads that encode). */
function collectEncoder(records: HandlerMetadata[], problems: string[]): EncoderModule | undefined {
  const encoder = records.find((r) => r.kind === 'encoderFacts' && r.isMethod)?.encoder;
  if (encoder === undefined) return undefined;
  const { module, export: name, usesBatchedAt } = encoder as Partial<EncoderModule>;
  if (typeof module !== 'string' || !isAbsolute(module)) {
    problems.push(
      `@EncodeWith module must be an absolute path (e.g. join(__dirname, 'row-encoder.js')), got ${JSON.stringify(module)}`,
    );
  }
  if (typeof name !== 'string' || name === '') {
    problems.push(
      `@EncodeWith export must name the encoder factory the module exports, got ${JSON.stringify(name)}`,
    );
  }
  if (usesBatchedAt !== undefined && typeof usesBatchedAt !== 'boolean')
    problems.push(`@EncodeWith usesBatchedAt must be true or false, got ${JSON.stringify(usesBatchedAt)}`);
  return Object.freeze({ module: module!, export: name!, usesBatchedAt: usesBatchedAt !== false });
}

/**
 * Checks a destination class and returns its definition, or throws one {@link DestinationDefinitionError} that
 * lists every problem.
 *
 * @example
 * ```ts
 * const definition = resolveDestination(CsvDestination);
 * console.error(definition.name, definition.limits.maxBatchMb);
 * ```
 */
export function resolveDestination(target: Constructor): DestinationDefinition {
  const className = typeof target === 'function' && target.name ? target.name : 'The class';
  if (typeof target !== 'function') {
    throw new DestinationDefinitionError(String(target), ['a destination must be a class']);
  }
  const problems: string[] = [];
  const record = readDestinationMetadata(target);
  if (!record)
    problems.push(`${className} has no @Destination decorator; add @Destination() above the class`);
  const options = record?.options ?? {};
  checkLimits(options, problems);
  checkExamples(options.examples, problems);
  const handlerMetadata = readHandlerMetadata(target);
  const handlers = collectHandlers(handlerMetadata, problems);
  const encoder = collectEncoder(handlerMetadata, problems);
  if (!handlers.exportBatch) {
    problems.push('no method has @ExportBatch; mark the method that writes a batch with @ExportBatch');
  }
  if (problems.length > 0 || !handlers.exportBatch) throw new DestinationDefinitionError(className, problems);

  return Object.freeze({
    target,
    className,
    name: options.name ?? className,
    version: options.version,
    description: options.description,
    configClass: options.config,
    capabilities: Object.freeze([...(options.capabilities ?? [])]),
    examples: Object.freeze([...(options.examples ?? [])]),
    limits: Object.freeze({
      maxBatchMb: options.maxBatchMb ?? DEFAULT_MAX_BATCH_MB,
      ...(options.batchSizeRows !== undefined && { batchSizeRows: options.batchSizeRows }),
      ...(options.batchWaitLimitSeconds !== undefined && {
        batchWaitLimitSeconds: options.batchWaitLimitSeconds,
      }),
    }),
    jsonColumnsHoldAnyJson: options.jsonColumnsHoldAnyJson === true,
    handlers: Object.freeze({ ...handlers, exportBatch: handlers.exportBatch }),
    encoder,
  });
}
