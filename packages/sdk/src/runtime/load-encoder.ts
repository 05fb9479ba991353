import type { EncoderFactory, EncoderModule, EncoderTools, RecordEncoder } from '../encoder';
import { SdkError, describeError } from '../errors';

/**
 * Loads a destination's encoder factory (`@EncodeWith`), on the main thread or in an encode worker; throws an
 * `ERR_INVALID_DESTINATION` that says what is wrong with the module.
 *
 * @example
 * ```ts
 * const factory = loadEncoderFactory({ module: join(__dirname, 'row-encoder.js'), export: 'rowEncoder' });
 * ```
 */
export function loadEncoderFactory(encoder: EncoderModule): EncoderFactory {
  let loaded: Record<string, unknown>;
  try {
    // A path the destination names, loaded synchronously (on the main thread or a worker, which have no top-level
    // await in CommonJS): the one place a dynamic require is the point.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(encoder.module) as Record<string, unknown>;
  } catch (error) {
    throw new SdkError(
      'ERR_INVALID_DESTINATION',
      `@EncodeWith: the encoder module ${encoder.module} could not be loaded: ${describeError(error)}`,
      {},
      { cause: error },
    );
  }
  const factory = loaded[encoder.export];
  if (typeof factory !== 'function') {
    throw new SdkError(
      'ERR_INVALID_DESTINATION',
      `@EncodeWith: ${encoder.module} exports no function ${JSON.stringify(encoder.export)} (found ` +
        `${typeof factory}). Export the encoder factory under that name.`,
    );
  }
  return factory as EncoderFactory;
}

/**
 * Builds one stream's encoder from its facts with the factory, in one shape (a factory may return the bare
 * function): the same on the main thread and in an encode worker, which differ only in where `warn` goes.
 *
 * @example
 * ```ts
 * const encoder = buildStreamEncoder(factory, 'users', facts, (fields, message) => logger.warn(fields, message));
 * ```
 */
export function buildStreamEncoder(
  factory: EncoderFactory,
  stream: string,
  facts: unknown,
  warn: EncoderTools['warn'],
): RecordEncoder {
  const built = factory(facts, { stream, warn });
  return typeof built === 'function' ? { encode: built } : built;
}
