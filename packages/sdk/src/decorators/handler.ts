import { storeHandlerMetadata } from '../metadata/store';
import type { HandlerKind, HandlerMetadata } from '../metadata/metadata-types';

/**
 * Builds a bare method decorator (`@ExportBatch`, not `@ExportBatch()`) that records which method is which hook,
 * with what else the hook takes (`@EncodeWith`'s module). The method's type `M` must extend the handler type `H`,
 * so a method with the wrong signature does not compile.
 */
export function handlerDecorator<H>(kind: HandlerKind, options: Pick<HandlerMetadata, 'encoder'> = {}) {
  return <M extends H>(
    prototype: object,
    propertyKey: string | symbol,
    descriptor?: TypedPropertyDescriptor<M>,
  ): void => {
    const constructor = (prototype as { constructor: object }).constructor;
    storeHandlerMetadata(constructor, {
      kind,
      propertyKey,
      isMethod: typeof descriptor?.value === 'function',
      ...options,
    });
  };
}
