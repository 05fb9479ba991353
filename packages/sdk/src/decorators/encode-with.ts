import type { EncoderFactsContext } from '../contexts';
import type { EncoderModule } from '../encoder';
import { handlerDecorator } from './handler';

/**
 * Optional: gives the destination's records to the SDK's encode stage. The marked method returns a stream's
 * encoder facts (plain data: column names, types, settings), called after `@OnSchema` whenever the stream's
 * schema or state changed; the module's factory builds the stream's encoder from them, on the main thread or on
 * worker threads (`encode_threads`). Records are encoded when their batch is sealed, a record the encoder throws
 * for is handled by `invalid_record_policy` (code ERR_RECORD_REJECTED, by its line) before `@ExportBatch` runs,
 * and `@ExportBatch` gets an {@link EncodedBatchContext}: the encoded text, not the records.
 *
 * @example
 * ```ts
 * @EncodeWith({ module: join(__dirname, 'row-encoder.js'), export: 'rowEncoder' })
 * encoderFacts({ schema }: EncoderFactsContext): { columns: string[] } {
 *   return { columns: Object.keys(schema.properties ?? {}) };
 * }
 * ```
 */
export function EncodeWith(encoder: EncoderModule) {
  return handlerDecorator<(context: EncoderFactsContext<any, any>) => unknown>('encoderFacts', {
    // Copied field by field: plain JavaScript may pass anything, and resolve reports what is missing.
    encoder: { module: encoder?.module, export: encoder?.export, usesBatchedAt: encoder?.usesBatchedAt },
  });
}
