import type { EncoderModule } from '../encoder';
import type { DestinationDefinition } from '../metadata/resolve';
import type {
  ActivateVersionContext,
  AfterProcessContext,
  BatchContext,
  DescribeOutputContext,
  EncoderFactsContext,
  ProcessContext,
  SchemaContext,
} from '../contexts';

/** A destination's hooks as plain async functions bound to one instance: no reflection per call. */
export interface BoundHandlers {
  exportBatch(context: BatchContext): Promise<void>;
  /** `@EncodeWith`: a stream's encoder facts (synchronous), and where the encoder factory is. */
  encoderFacts: ((context: EncoderFactsContext) => unknown) | undefined;
  encoder: EncoderModule | undefined;
  /** Resolves with the stream's new state. */
  onSchema: ((context: SchemaContext) => Promise<unknown>) | undefined;
  onActivateVersion: ((context: ActivateVersionContext) => Promise<void>) | undefined;
  beforeProcess: ((context: ProcessContext) => Promise<void>) | undefined;
  afterProcess: ((context: AfterProcessContext) => Promise<void>) | undefined;
  testConnection: ((context: ProcessContext) => Promise<string | void>) | undefined;
  describeOutput:
    ((context: DescribeOutputContext) => Promise<string | readonly string[] | void>) | undefined;
}

type Method = (context: unknown) => unknown;

function bind<R>(
  instance: object,
  key: string | symbol | undefined,
): ((context: any) => Promise<R>) | undefined {
  if (key === undefined) return undefined;
  const method = (instance as Record<string | symbol, Method>)[key]!;
  return async (context) => (await method.call(instance, context)) as R;
}

function bindSync<R>(instance: object, key: string | symbol | undefined): ((context: any) => R) | undefined {
  if (key === undefined) return undefined;
  const method = (instance as Record<string | symbol, Method>)[key]!;
  return method.bind(instance) as (context: any) => R;
}

/**
 * Binds the definition's hooks to an instance of the destination class.
 *
 * @example
 * ```ts
 * const handlers = bindHandlers(resolveDestination(MyDestination), new MyDestination());
 * await handlers.exportBatch(context);
 * ```
 */
export function bindHandlers(definition: DestinationDefinition, instance: object): BoundHandlers {
  const { handlers } = definition;
  return {
    exportBatch: bind<void>(instance, handlers.exportBatch)!,
    encoderFacts: bindSync<unknown>(instance, handlers.encoderFacts),
    encoder: definition.encoder,
    onSchema: bind<unknown>(instance, handlers.onSchema),
    onActivateVersion: bind<void>(instance, handlers.onActivateVersion),
    beforeProcess: bind<void>(instance, handlers.beforeProcess),
    afterProcess: bind<void>(instance, handlers.afterProcess),
    testConnection: bind<string | void>(instance, handlers.testConnection),
    describeOutput: bind<string | readonly string[] | void>(instance, handlers.describeOutput),
  };
}
