import { decimalOf } from '../json/exact-decimal';
import { ExactNumber } from '../json/exact-number';

/**
 * Turns the schema a tap sent into the schemas ajv compiles. Real taps write JSON Schema draft 4 (singer-python:
 * `"exclusiveMaximum": true` beside `"maximum"`), integer bounds beyond 2^53 (every bigint column) and decimal
 * `multipleOf` steps (numeric(p,s) columns): ajv (draft 7) refuses the first, and cannot compare the others
 * exactly. So numeric keywords that binary floating point cannot check exactly move into one keyword of ours,
 * {@link EXACT_KEYWORD}, checked in decimal arithmetic (./exact-keyword.ts), and draft-4 bounds become draft-6 ones.
 *
 * Two schemas come out: the full one, and the "storable" one that keeps only what decides whether the
 * destination can store a value (types, structure, the date and time formats destinations type columns by) and
 * drops the constraint keywords (maxLength, bounds, pattern, enum, other formats, ...). A record that fails the
 * full schema but passes the storable one is loaded by default, and its deviations reported.
 */

/** Our keyword: `{ minimum?, exclusiveMinimum?, maximum?, exclusiveMaximum?, multipleOf?, integer?, enums? }`. */
export const EXACT_KEYWORD = 'x-singer-dest-exact';

/** The value of {@link EXACT_KEYWORD}: bounds and step as the literals the tap wrote. */
export interface ExactConstraints {
  minimum?: string;
  exclusiveMinimum?: string;
  maximum?: string;
  exclusiveMaximum?: string;
  multipleOf?: string;
  /** Set only when checking exact records: the type says integer, so `12345678901234567890.5` is not one. */
  integer?: true;
  /** Enums (a const is an enum of one) with numbers, compared exactly: the value must be in each list. */
  enums?: unknown[][];
}

/** Formats destinations type columns by (timestamptz, date, time): a value that breaks them cannot be stored. */
export const STORAGE_FORMATS: ReadonlySet<string> = new Set(['date-time', 'date', 'time']);

/**
 * Keywords that constrain a value without changing what it is; the storable schema drops them. `required` is not
 * one: a record without a property its schema requires is malformed, not a value that breaks a constraint.
 */
const CONSTRAINT_KEYWORDS = new Set([
  'maxLength',
  'minLength',
  'pattern',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'maxItems',
  'minItems',
  'uniqueItems',
  'contains',
  'maxContains',
  'minContains',
  'maxProperties',
  'minProperties',
  'propertyNames',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  // Dropping keywords inside these would turn their meaning around, so they go as a whole.
  'not',
  'if',
  'then',
  'else',
]);

/** Keywords that do not validate (and may hold exact numbers ajv cannot take): never given to ajv. */
const ANNOTATIONS = new Set(['$schema', '$id', 'id', 'default', 'examples', EXACT_KEYWORD]);

const BOUNDS = ['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum'] as const;

/** Keywords whose value is a schema, a list of schemas, or a map of schemas. */
const SCHEMA_VALUED = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
]);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
const CONDITIONALS = new Set(['not', 'if', 'then', 'else']);

/** How to translate a schema. */
export interface ValidationSchemaOptions {
  /**
   * For records holding {@link ExactNumber}s: every numeric keyword goes through the exact keyword (the record's
   * doubles are rounded, so ajv's own comparisons could be wrong at the bound), and integer types are checked on
   * the literal.
   */
  exactRecords: boolean;
  /**
   * The storable schema lets an array stand where the schema says object, and an object where it says array: the
   * destination stores both kinds as JSON (jsonb, a JSON text cell).
   */
  jsonColumnsHoldAnyJson: boolean;
}

/** The schemas ajv compiles for one tap schema. */
export interface ValidationSchemas {
  full: Record<string, unknown>;
  /** Undefined when nothing was dropped: then a record failing `full` cannot be stored. */
  storable: Record<string, unknown> | undefined;
}

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ExactNumber)
  );
}

function isNumeric(value: unknown): value is number | ExactNumber {
  return typeof value === 'number' || value instanceof ExactNumber;
}

function typesOf(node: Node): string[] | undefined {
  const { type } = node;
  if (typeof type === 'string') return [type];
  return Array.isArray(type) && type.every((t) => typeof t === 'string') ? type : undefined;
}

class Translator {
  /** Set when the storable translation dropped or relaxed anything. */
  relaxed = false;

  constructor(
    private readonly storable: boolean,
    private readonly options: ValidationSchemaOptions,
  ) {}

  node(input: unknown, root = false): unknown {
    if (typeof input === 'boolean') return input;
    if (!isNode(input)) return input; // not a schema: ajv reports it as ERR_INVALID_SCHEMA
    const output: Node = {};
    for (const [key, value] of Object.entries(input)) {
      if (ANNOTATIONS.has(key)) continue;
      if (this.storable && this.drops(key, value)) {
        this.relaxed = true;
        continue;
      }
      output[key] = this.child(key, value);
    }
    this.translateNumbers(input, output);
    if (this.storable) this.relaxStorable(output, root);
    return output;
  }

  private child(key: string, value: unknown): unknown {
    if (SCHEMA_VALUED.has(key) || CONDITIONALS.has(key)) {
      return Array.isArray(value) ? value.map((v) => this.node(v)) : this.node(value);
    }
    if (SCHEMA_LISTS.has(key) && Array.isArray(value)) return value.map((v) => this.node(v));
    if (SCHEMA_MAPS.has(key) && isNode(value)) {
      return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, this.node(v)]));
    }
    if (key === 'dependencies' && isNode(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([name, v]) => [name, Array.isArray(v) ? v : this.node(v)]),
      );
    }
    return value;
  }

  private drops(key: string, value: unknown): boolean {
    if (CONSTRAINT_KEYWORDS.has(key)) return true;
    if (key === 'format') return typeof value === 'string' && !STORAGE_FORMATS.has(value);
    return key === 'additionalProperties' && value === false;
  }

  /**
   * Draft 4's boolean `exclusiveMaximum` becomes draft 6's number. Bounds a double cannot hold, every
   * `multipleOf` (ajv divides in binary floating point: 0.29 / 0.01 is 28.999999999999996) and enums holding
   * exact numbers move into {@link EXACT_KEYWORD}.
   */
  private translateNumbers(input: Node, output: Node): void {
    const bounds: Partial<Record<(typeof BOUNDS)[number], number | ExactNumber>> = {};
    for (const lower of [true, false]) {
      const bound = lower ? 'minimum' : 'maximum';
      const exclusive = lower ? 'exclusiveMinimum' : 'exclusiveMaximum';
      const value = input[bound];
      const flag = input[exclusive];
      if (typeof flag === 'boolean') {
        // Draft 4: the flag says whether `minimum`/`maximum` is exclusive; alone it means nothing.
        delete output[exclusive];
        if (isNumeric(value)) bounds[flag ? exclusive : bound] = value;
      } else {
        if (isNumeric(value)) bounds[bound] = value;
        if (isNumeric(flag)) bounds[exclusive] = flag;
      }
    }
    const exact: ExactConstraints = {};
    if (!this.storable) {
      const step = input.multipleOf;
      // A step that is not positive stays for ajv, which reports the schema as invalid.
      const exactStep = isNumeric(step) && decimalOf(step)?.sign === 1 ? step : undefined;
      const viaExact =
        this.options.exactRecords ||
        exactStep !== undefined ||
        Object.values(bounds).some((v) => v instanceof ExactNumber);
      for (const key of BOUNDS) {
        const value = bounds[key];
        // A draft-4 `maximum` may now be `exclusiveMaximum`: every numeric bound is written anew.
        if (isNumeric(output[key])) delete output[key];
        if (value === undefined) continue;
        if (viaExact) exact[key] = String(value);
        else output[key] = value;
      }
      if (exactStep !== undefined) {
        delete output.multipleOf;
        exact.multipleOf = String(exactStep);
      }
      for (const key of ['enum', 'const'] as const) {
        if (!(key in input)) continue;
        const members = key === 'enum' ? input.enum : [input.const];
        if (!Array.isArray(members) || !members.some(isNumeric)) continue;
        if (!this.options.exactRecords && !members.some((m) => m instanceof ExactNumber)) continue;
        delete output[key];
        (exact.enums ??= []).push(members);
      }
    }
    const types = typesOf(input);
    if (this.options.exactRecords && types?.includes('integer') && !types.includes('number')) {
      exact.integer = true;
    }
    if (Object.keys(exact).length > 0) output[EXACT_KEYWORD] = exact;
  }

  /** oneOf becomes anyOf (with constraints gone, two branches may match); JSON columns take either kind. */
  private relaxStorable(output: Node, root: boolean): void {
    if ('oneOf' in output) {
      output.anyOf = output.oneOf;
      delete output.oneOf;
      this.relaxed = true;
    }
    if (!this.options.jsonColumnsHoldAnyJson || root) return; // a record is always an object
    const types = typesOf(output);
    if (types === undefined) return;
    const hasObject = types.includes('object');
    const hasArray = types.includes('array');
    if (hasObject !== hasArray) {
      output.type = [...types, hasObject ? 'array' : 'object'];
      this.relaxed = true;
    }
  }
}

/**
 * The full and storable schemas ajv compiles for a tap's schema (see the module comment).
 *
 * @example
 * ```ts
 * translateSchema({ type: 'object', properties: { n: { type: 'number', maximum: 1e38, exclusiveMaximum: true } } },
 *   { exactRecords: false, jsonColumnsHoldAnyJson: false }).full;
 * // { type: 'object', properties: { n: { type: 'number', exclusiveMaximum: 1e38 } } }
 * ```
 */
export function translateSchema(
  schema: Record<string, unknown>,
  options: ValidationSchemaOptions,
): ValidationSchemas {
  const full = new Translator(false, options).node(schema, true) as Node;
  const translator = new Translator(true, options);
  const storable = translator.node(schema, true) as Node;
  return { full, storable: translator.relaxed ? storable : undefined };
}
