import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './spawn-bin';

/** The part of ajv 8 the tests use. */
export interface AjvLike {
  addKeyword(definition: { keyword: string; schemaType?: string }): unknown;
  validateSchema(schema: object): boolean;
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
}

// The root's `ajv` is eslint's ajv 6; the SDK depends on ajv 8, so resolve it from the SDK package.
const requireFromSdk = createRequire(join(ROOT, 'packages', 'sdk', 'package.json'));
const Ajv = (requireFromSdk('ajv') as { default: new (options: object) => AjvLike }).default;

/** A strict ajv 8 that knows the `secret` keyword the settings schema uses (as Meltano's SDK does). */
export function createStrictAjv(): AjvLike {
  const ajv = new Ajv({ strict: true, allErrors: true });
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  return ajv;
}
