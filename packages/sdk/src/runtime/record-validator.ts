import Ajv, { type ValidateFunction } from 'ajv';
import type AjvFormats from 'ajv-formats';
import { InputError } from '../errors';
import type { JsonSchema } from '../contexts';
import { isDate, isDateTime, isTime } from './formats';

/**
 * One ajv instance per run. `strict: false` because taps put their own keywords in schemas (`inclusion`,
 * `selected`, ...). Singer date-times often have no zone ("2024-01-01T10:00:00"), which targets read as UTC, so
 * `date-time` and `time` accept an optional zone; see ./formats for why they are our own fast checks.
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: false, logger: false, validateSchema: true });
  addSingerFormats(ajv);
  return ajv;
}

function addSingerFormats(ajv: Ajv): void {
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  ajv.addFormat('date', { type: 'string', validate: isDate });
  ajv.addFormat('time', { type: 'string', validate: isTime });
}

const OWN_FORMATS = new Set(['date-time', 'date', 'time']);
const withStandardFormats = new WeakSet<Ajv>();

/**
 * Adds ajv-formats' checks (email, uri, uuid, ...) the first time a schema names a format other than ours.
 * Loading and registering them is ~40 ms of start-up that most Singer schemas (date-times only) never use.
 */
function addStandardFormatsIfUsed(ajv: Ajv, schema: unknown): void {
  if (withStandardFormats.has(ajv) || !usesOtherFormat(schema)) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addFormats = (require('ajv-formats') as { default: typeof AjvFormats }).default;
  addFormats(ajv);
  // Ours stay: ajv-formats registers its own date-time, date and time (zone required), which Singer data breaks.
  addSingerFormats(ajv);
  withStandardFormats.add(ajv);
}

function usesOtherFormat(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  if (Array.isArray(schema)) return schema.some(usesOtherFormat);
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'format' && typeof value === 'string' && !OWN_FORMATS.has(value)) return true;
    if (usesOtherFormat(value)) return true;
  }
  return false;
}

/**
 * Compiles a stream's schema once per SCHEMA message. Throws {@link InputError} `ERR_INVALID_SCHEMA` when ajv
 * finds the schema itself invalid.
 *
 * @example
 * ```ts
 * const validate = compileRecordValidator(createAjv(), schema, { stream: 'users', line: 1, source: 'stdin' });
 * if (!validate(record)) console.error(describeValidationErrors(validate));
 * ```
 */
export function compileRecordValidator(
  ajv: Ajv,
  schema: JsonSchema,
  where: { stream: string; line: number; source: string },
): ValidateFunction {
  // `$schema` names a draft (often draft-04) that ajv would try to load; the keywords Singer uses mean the same.
  const { $schema: _draft, $id: _id, ...body } = schema;
  try {
    addStandardFormatsIfUsed(ajv, body);
    const validate = ajv.compile(body);
    // ajv caches compiled schemas by object; drop it so a tap sending many SCHEMA messages cannot grow memory.
    ajv.removeSchema(body);
    return validate;
  } catch (error) {
    throw new InputError(
      'ERR_INVALID_SCHEMA',
      `${where.source} line ${where.line}: SCHEMA for stream "${where.stream}" is not a valid JSON Schema ` +
        `(${error instanceof Error ? error.message : String(error)}). Fix the schema the tap sends.`,
      { line: where.line, stream: where.stream },
      { cause: error },
    );
  }
}

/** ajv's errors as one short sentence: paths and rules only, never the offending values. */
export function describeValidationErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '(record)'} ${e.message ?? 'is invalid'}`)
    .join('; ');
}
