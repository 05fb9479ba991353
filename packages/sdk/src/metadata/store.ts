/**
 * The only module that calls `Reflect.*`. Metadata lives on the destination's constructor under symbols defined
 * here, so there is no global registry to clear between tests.
 */
import 'reflect-metadata';
import type { DestinationMetadata, HandlerMetadata, SettingMetadata } from './metadata-types';

const DESTINATION_KEY = Symbol('singer-dest:destination');
const HANDLERS_KEY = Symbol('singer-dest:handlers');
const SETTINGS_KEY = Symbol('singer-dest:settings');

/** Write the `@Destination` record onto a class. */
export function storeDestinationMetadata(target: object, record: DestinationMetadata): void {
  Reflect.defineMetadata(DESTINATION_KEY, record, target);
}

/** Append a handler record onto a class (method decorators receive the prototype; we store on its constructor). */
export function storeHandlerMetadata(constructor: object, record: HandlerMetadata): void {
  const own = (Reflect.getOwnMetadata(HANDLERS_KEY, constructor) as HandlerMetadata[] | undefined) ?? [];
  Reflect.defineMetadata(HANDLERS_KEY, [...own, record], constructor);
}

/** The `@Destination` record of a class, if any (inherited from a parent class when the class has none). */
export function readDestinationMetadata(target: object): DestinationMetadata | undefined {
  return Reflect.getMetadata(DESTINATION_KEY, target) as DestinationMetadata | undefined;
}

/** A class and its parent classes, parents first. */
function classChain(target: object): object[] {
  const chain: object[] = [];
  for (
    let c: object | null = target;
    c && c !== Function.prototype;
    c = Object.getPrototypeOf(c) as object | null
  ) {
    chain.unshift(c);
  }
  return chain;
}

/** Every handler record of a class and its parent classes, parents first. */
export function readHandlerMetadata(target: object): HandlerMetadata[] {
  return classChain(target).flatMap(
    (c) => (Reflect.getOwnMetadata(HANDLERS_KEY, c) as HandlerMetadata[] | undefined) ?? [],
  );
}

/** Append a config property's `@Setting` record onto its class. */
export function storeSettingMetadata(constructor: object, record: SettingMetadata): void {
  const own = (Reflect.getOwnMetadata(SETTINGS_KEY, constructor) as SettingMetadata[] | undefined) ?? [];
  Reflect.defineMetadata(SETTINGS_KEY, [...own, record], constructor);
}

/** Every `@Setting` record of a config class and its parents, parents first (a subclass may redefine one). */
export function readSettingMetadata(target: object): SettingMetadata[] {
  const byKey = new Map<string, SettingMetadata>();
  for (const c of classChain(target)) {
    for (const r of (Reflect.getOwnMetadata(SETTINGS_KEY, c) as SettingMetadata[] | undefined) ?? [])
      byKey.set(r.propertyKey, r);
  }
  return [...byKey.values()];
}
