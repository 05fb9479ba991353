import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type AjvFormats from 'ajv-formats';
import { InputError } from '../errors';
import type { JsonSchema, SingerRecord } from '../contexts';
import { addExactKeyword, type ExactInput } from './exact-keyword';
import { isDate, isDateTime, isTime } from './formats';
import { translateSchema, type ValidationSchemas } from './validation-schema';

/**
 * Two ajv instances per run, sharing the exact keyword's view of the current record: one stops at the first error
 * (every record goes through it), the other lists all errors (only records that deviate from their schema, to
 * report each deviation). `strict: false` because taps put their own keywords in schemas (`inclusion`,
 * `selected`, ...). Singer date-times often have no zone ("2024-01-01T10:00:00"), which targets read as UTC, so
 * `date-time` and `time` accept an optional zone; see ./formats for why they are our own fast checks.
 */
export class Validators {
  readonly input: ExactInput = { record: undefined };
  readonly first = this.createAjv(false);
  private all: Ajv | undefined;

  /** The instance that reports every error; created at the first record that needs it. */
  get allErrors(): Ajv {
    return (this.all ??= this.createAjv(true));
  }

  private createAjv(allErrors: boolean): Ajv {
    // Required at the first stream's schema, not imported: --about, --show-templates and --test-connection never
    // validate a record, and ajv is ~60 modules of their start-up (test/cli/lazy-load.test.ts).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const AjvClass = (require('ajv') as { default: typeof Ajv }).default;
    const ajv = new AjvClass({ strict: false, allErrors, logger: false, validateSchema: true });
    addSingerFormats(ajv);
    addExactKeyword(ajv, this.input);
    return ajv;
  }
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

/** One way a record departs from its schema, though the destination can store it. */
export interface RecordDeviation {
  /** The property, as `name`, `address.city` or `tags[]`. */
  property: string;
  /** The JSON Schema keyword the value breaks (`maxLength`, `maximum`, `format`, `type`, ...). */
  keyword: string;
  /** ajv's sentence, without the value: `must NOT have more than 16 characters`. */
  message: string;
}

/** What {@link RecordChecker.check} found wrong with a record. */
export type RecordVerdict =
  { loadable: false; problem: string } | { loadable: true; deviations: RecordDeviation[] };

/** How strictly records are checked. */
export interface RecordCheckOptions {
  /** Constraint violations make a record invalid (`strict_validation: true`), instead of being reported. */
  strict: boolean;
  /** The destination stores objects and arrays as JSON, so either kind fits a column declared as one of them. */
  jsonColumnsHoldAnyJson: boolean;
}

interface CompiledSet {
  full: ValidateFunction;
  /**
   * Compiled at the first record that fails `full`: most runs have none, and compiling it with `full` was half of
   * the start-up compiles (6% of row b's profile on the real-shaped input's wide schemas at 100k records).
   */
  storable: ValidateFunction | undefined;
  schemas: ValidationSchemas;
  all: ValidateFunction | undefined;
}

/** Where a schema came from, for its error message. */
export interface SchemaSource {
  stream: string;
  line: number;
  source: string;
}

/**
 * A stream's compiled schema. A record that breaks only constraint keywords (bounds, lengths, patterns, enums,
 * formats other than date and time) is loadable and its deviations listed, unless `strict`; one whose values the
 * destination cannot store (wrong JSON type, a date-time that is not one) is not.
 *
 * @example
 * ```ts
 * const checker = new RecordChecker(new Validators(), schema, where, { strict: false, jsonColumnsHoldAnyJson: true });
 * const verdict = checker.check(approximateRecord, record); // undefined: valid
 * ```
 */
export class RecordChecker {
  private readonly plain: CompiledSet;
  private exact: CompiledSet | undefined;

  constructor(
    private readonly validators: Validators,
    private readonly schema: JsonSchema,
    private readonly where: SchemaSource,
    private readonly options: RecordCheckOptions,
  ) {
    this.plain = this.compileSet(false);
  }

  /**
   * Checks a record: `approximate` is what ajv reads (numbers as doubles), `exact` the record as parsed (the same
   * object unless it holds {@link ExactNumber}s). Undefined when the record matches its schema.
   */
  check(approximate: SingerRecord, exact: SingerRecord): RecordVerdict | undefined {
    if (approximate === exact) {
      // The hot path: no exact numbers, one ajv call.
      return this.plain.full(approximate) ? undefined : this.explain(this.plain, approximate);
    }
    const set = (this.exact ??= this.compileSet(true));
    const { input } = this.validators;
    input.record = exact;
    try {
      return set.full(approximate) ? undefined : this.explain(set, approximate);
    } finally {
      input.record = undefined;
    }
  }

  private explain(set: CompiledSet, record: SingerRecord): RecordVerdict {
    const storableSchema = set.schemas.storable;
    if (this.options.strict || storableSchema === undefined) {
      return { loadable: false, problem: describeValidationErrors(set.full.errors) };
    }
    const storable = (set.storable ??= this.compile(this.validators.first, storableSchema));
    if (!storable(record)) return { loadable: false, problem: describeValidationErrors(storable.errors) };
    set.all ??= this.compile(this.validators.allErrors, set.schemas.full);
    set.all(record);
    return { loadable: true, deviations: deviationsOf(set.all.errors ?? []) };
  }

  private compileSet(exactRecords: boolean): CompiledSet {
    const schemas = translateSchema(this.schema, {
      exactRecords,
      jsonColumnsHoldAnyJson: this.options.jsonColumnsHoldAnyJson,
    });
    const ajv = this.validators.first;
    return { full: this.compile(ajv, schemas.full), storable: undefined, schemas, all: undefined };
  }

  private compile(ajv: Ajv, schema: Record<string, unknown>): ValidateFunction {
    try {
      addStandardFormatsIfUsed(ajv, schema);
      const validate = ajv.compile(schema);
      // ajv caches compiled schemas by object; drop it so a tap sending many SCHEMA messages cannot grow memory.
      ajv.removeSchema(schema);
      return validate;
    } catch (error) {
      const { source, line, stream } = this.where;
      throw new InputError(
        'ERR_INVALID_SCHEMA',
        `${source} line ${line}: SCHEMA for stream "${stream}" is not a valid JSON Schema ` +
          `(${error instanceof Error ? error.message : String(error)}). Fix the schema the tap sends.`,
        { line, stream },
        { cause: error },
      );
    }
  }
}

/** `/a/0/b` as `a[].b`: indexes vary from record to record, the property does not. */
function propertyOf(instancePath: string, child: unknown): string {
  const segments = instancePath.split('/').slice(1);
  if (typeof child === 'string') segments.push(child);
  let property = '';
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) property += '[]';
    else property += property.length === 0 ? segment : `.${segment}`;
  }
  return property || '(record)';
}

function deviationsOf(errors: ErrorObject[]): RecordDeviation[] {
  const seen = new Set<string>();
  const deviations: RecordDeviation[] = [];
  for (const e of errors) {
    // Branch failures inside anyOf/oneOf come with a summary error of their own; the branch errors say more.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const params = e.params as Record<string, unknown>;
    const property = propertyOf(e.instancePath, params.missingProperty ?? params.additionalProperty);
    const key = `${property}\0${e.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    deviations.push({ property, keyword: e.keyword, message: e.message ?? 'is invalid' });
  }
  return deviations;
}

/** ajv's errors as one short sentence: paths and rules only, never the offending values. */
export function describeValidationErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '(record)'} ${e.message ?? 'is invalid'}`)
    .join('; ');
}
