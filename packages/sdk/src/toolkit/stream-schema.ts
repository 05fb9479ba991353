import type { JsonSchema } from '../contexts';
import { ExactNumber } from '../json/exact-number';

/**
 * What a property holds, as a destination needs to know it to pick a column type. `decimal` is a number with a
 * `multipleOf` step (a fixed scale, as database-derived schemas write `NUMERIC(p,s)`); `json` is anything that is
 * not one kind of value (several types, or no type at all).
 */
export type LogicalType =
  | 'integer'
  | 'decimal'
  | 'number'
  | 'boolean'
  | 'string'
  | 'date-time'
  | 'date'
  | 'time'
  | 'object'
  | 'array'
  | 'json';

/** A numeric keyword's value as the tap wrote it: a number when a double holds it exactly, else an {@link ExactNumber}. */
export type SchemaNumber = number | ExactNumber;

/** The constraints of a property, kept exactly as the schema gives them (nothing rounded, nothing dropped). */
export interface PropertyConstraints {
  readonly minimum?: SchemaNumber;
  readonly maximum?: SchemaNumber;
  readonly exclusiveMinimum?: SchemaNumber | boolean;
  readonly exclusiveMaximum?: SchemaNumber | boolean;
  readonly multipleOf?: SchemaNumber;
  readonly maxLength?: number;
  readonly minLength?: number;
  /** The `format` of a string property that is not date-time, date or time (`email`, `uuid`, ...). */
  readonly format?: string;
  readonly enum?: readonly unknown[];
}

/** One property of a stream, normalized: what a destination maps to a column. */
export interface PropertySchema {
  /** The property name as the record has it. */
  readonly name: string;
  readonly type: LogicalType;
  /** Whether the schema allows JSON `null` (or says nothing about types). */
  readonly nullable: boolean;
  readonly constraints: PropertyConstraints;
  /** For `object` with declared properties: those properties, in schema order. */
  readonly properties?: readonly PropertySchema[];
  /** The property's JSON Schema as the SCHEMA message had it. */
  readonly schema: JsonSchema;
}

/** A stream's schema, normalized: its top-level properties in schema order. */
export interface StreamSchema {
  readonly properties: readonly PropertySchema[];
  /** The same properties by name. */
  readonly byName: ReadonlyMap<string, PropertySchema>;
}

const NUMERIC_KEYWORDS = ['minimum', 'maximum', 'multipleOf'] as const;

function typesOf(node: JsonSchema): string[] {
  return node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
}

function isSchemaNumber(value: unknown): value is SchemaNumber {
  return (typeof value === 'number' && Number.isFinite(value)) || value instanceof ExactNumber;
}

/** Every branch a value may take: the node itself and its `anyOf` / `oneOf` branches, flattened. */
function branchesOf(node: JsonSchema): JsonSchema[] {
  const nested = [...(node.anyOf ?? []), ...(node.oneOf ?? [])];
  return [node, ...nested.flatMap(branchesOf)];
}

/** The first value of a keyword among the branches (a union's constraints usually sit on one branch). */
function firstOf(branches: readonly JsonSchema[], keyword: string): unknown {
  for (const branch of branches) if (branch[keyword] !== undefined) return branch[keyword];
  return undefined;
}

function constraintsOf(
  branches: readonly JsonSchema[],
  stringFormat: string | undefined,
): PropertyConstraints {
  const out: Record<string, unknown> = {};
  for (const keyword of NUMERIC_KEYWORDS) {
    const value = firstOf(branches, keyword);
    if (isSchemaNumber(value)) out[keyword] = value;
  }
  for (const keyword of ['exclusiveMinimum', 'exclusiveMaximum'] as const) {
    // draft-4 writes a boolean beside minimum / maximum; later drafts a number of its own.
    const value = firstOf(branches, keyword);
    if (isSchemaNumber(value) || typeof value === 'boolean') out[keyword] = value;
  }
  for (const keyword of ['maxLength', 'minLength'] as const) {
    const value = firstOf(branches, keyword);
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) out[keyword] = value;
  }
  if (stringFormat !== undefined) out.format = stringFormat;
  const values = firstOf(branches, 'enum');
  if (Array.isArray(values)) out.enum = values;
  return out;
}

const TEMPORAL_FORMATS = new Set(['date-time', 'date', 'time']);

function hasDeclaredProperties(
  node: JsonSchema,
): node is JsonSchema & { properties: Record<string, JsonSchema> } {
  return typeof node.properties === 'object' && node.properties !== null && !Array.isArray(node.properties);
}

/**
 * The logical type of one property's JSON Schema. Rules: `null` only adds nullability; integer with number is a
 * number; a string is date-time, date or time when every string branch has that format; a node without `type`
 * but with `properties` is an object; several kinds, or none, is json.
 */
function normalizeProperty(name: string, schema: JsonSchema): PropertySchema {
  const branches = branchesOf(schema);
  const kinds = new Set<string>();
  const stringFormats = new Set<string | undefined>();
  let nullable = false;
  let typed = false;
  for (const branch of branches) {
    const own = typesOf(branch);
    if (own.length > 0) typed = true;
    for (const type of own) {
      if (type === 'null') nullable = true;
      else kinds.add(type);
      if (type === 'string') stringFormats.add(typeof branch.format === 'string' ? branch.format : undefined);
    }
    if (
      own.length === 0 &&
      branch.anyOf === undefined &&
      branch.oneOf === undefined &&
      hasDeclaredProperties(branch)
    ) {
      kinds.add('object');
      typed = true;
    }
  }
  if (!typed) nullable = true; // a schema without types allows anything, null included
  if (kinds.size === 2 && kinds.has('integer') && kinds.has('number')) kinds.delete('integer');
  const [kind] = kinds;
  const format = stringFormats.size === 1 ? [...stringFormats][0] : undefined;
  let type: LogicalType;
  if (kinds.size !== 1) type = 'json';
  else if (kind === 'string')
    type = format !== undefined && TEMPORAL_FORMATS.has(format) ? (format as LogicalType) : 'string';
  else if (kind === 'number') type = isSchemaNumber(firstOf(branches, 'multipleOf')) ? 'decimal' : 'number';
  else if (kind === 'integer' || kind === 'boolean' || kind === 'object' || kind === 'array') type = kind;
  else type = 'json';
  const otherFormat = type === 'string' ? format : undefined;
  const objectBranch = type === 'object' ? branches.find(hasDeclaredProperties) : undefined;
  const properties =
    objectBranch === undefined
      ? undefined
      : Object.entries(objectBranch.properties).map(([key, child]) => normalizeProperty(key, child));
  return {
    name,
    type,
    nullable,
    constraints: constraintsOf(branches, otherFormat),
    ...(properties !== undefined && properties.length > 0 && { properties }),
    schema,
  };
}

/**
 * A stream's JSON Schema as the properties a destination maps to columns: each with its logical type,
 * nullability and constraints (kept exactly). Destinations map from this instead of reading `type` themselves,
 * so they agree on what a schema means.
 *
 * @example
 * ```ts
 * const { properties } = normalizeSchema({
 *   properties: { id: { type: 'integer' }, price: { type: ['null', 'number'], multipleOf: 0.01 } },
 * });
 * properties[0]; // { name: 'id', type: 'integer', nullable: false, constraints: {}, schema: ... }
 * properties[1].type; // 'decimal' (nullable, constraints.multipleOf 0.01)
 * ```
 */
export function normalizeSchema(schema: JsonSchema): StreamSchema {
  const declared = hasDeclaredProperties(schema) ? schema.properties : {};
  const properties = Object.entries(declared).map(([name, child]) => normalizeProperty(name, child));
  return { properties, byName: new Map(properties.map((p) => [p.name, p])) };
}

/**
 * A numeric constraint as exact decimal text (for comparing a bound with a type's range without a double).
 *
 * @example
 * ```ts
 * schemaNumberText(new ExactNumber('9223372036854775808')); // '9223372036854775808'
 * schemaNumberText(0.01); // '0.01'
 * ```
 */
export function schemaNumberText(value: SchemaNumber): string {
  return value instanceof ExactNumber ? value.text : String(value);
}
