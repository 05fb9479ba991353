import { storeDestinationMetadata } from '../metadata/store';
import type { DestinationOptions } from '../metadata/metadata-types';

/**
 * Marks a plain class as a Singer destination. Takes the batch size in MiB, as Mage's `Destination` does, or an
 * options object with the config class, name and limits.
 *
 * @example
 * ```ts
 * @Destination(50)
 * class Tiny { @ExportBatch export(ctx: BatchContext) {} }
 *
 * @Destination({ name: 'dest-example', config: ExampleConfig, maxBatchMb: 100 })
 * class Example { @ExportBatch export(ctx: BatchContext<ExampleConfig>) {} }
 * ```
 */
export function Destination(options: number | DestinationOptions = {}): ClassDecorator {
  const normalized: DestinationOptions =
    typeof options === 'number' ? { maxBatchMb: options } : { ...options };
  return (target) => {
    storeDestinationMetadata(target, { options: normalized });
  };
}
