import { ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { IOptions } from 'class-validator-jsonschema/build/options';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import type { Constructor, SettingMetadata } from '../metadata/metadata-types';
import { readSettingMetadata } from '../metadata/store';
import type { DestinationDefinition } from '../metadata/resolve';
import { resolveRunSettings } from '../runtime/run-destination';
import { MIB } from '../runtime/settings';
import { SdkSettings } from './sdk-settings';

// class-transformer keeps its @Expose records here; the schema generator reads them to use the JSON key names.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: MetadataStorage;
};

/** The JSON Schema of one setting, with the `secret` flag Meltano's SDK also uses. */
export interface SettingSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  /** Marks a secret setting (never printed); `writeOnly` says the same in standard JSON Schema. */
  secret?: true;
  writeOnly?: true;
  [keyword: string]: unknown;
}

/** The settings of a destination (its own and the SDK's) as one JSON Schema object. */
export interface SettingsSchema {
  $schema: string;
  type: 'object';
  properties: Record<string, SettingSchema>;
  required: string[];
  additionalProperties: boolean;
}

/** One setting, resolved: where it is declared, its schema, and whether it is the SDK's. */
export interface SettingInfo {
  record: SettingMetadata;
  schema: SettingSchema;
  required: boolean;
  sdk: boolean;
}

/** The default of each SDK setting as this destination runs it (its `@Destination` limits, then the SDK defaults). */
function sdkDefaults(definition: DestinationDefinition): Record<string, unknown> {
  const run = resolveRunSettings(definition);
  return {
    maximum_batch_size_mb: run.maxBatchBytes / MIB,
    batch_size_rows: run.batchSizeRows,
    batch_wait_limit_seconds: run.batchWaitLimitMs === undefined ? undefined : run.batchWaitLimitMs / 1000,
    validate_records: run.validateRecords,
    strict_validation: run.strictValidation,
    invalid_record_policy: run.invalidRecordPolicy,
    max_line_bytes: run.maxLineBytes,
  };
}

// A custom rule says nothing about the type (the default converter guesses from design:type, which we never rely
// on); a nested config class is inlined from its explicit @Type, so the schema has no $ref to resolve.
const converters: IOptions['additionalConverters'] = {
  [ValidationTypes.CUSTOM_VALIDATION]: {},
  [ValidationTypes.NESTED_VALIDATION]: (meta, options) => {
    const typeMeta = options.classTransformerMetadataStorage?.findTypeMetadata(
      meta.target as Constructor,
      meta.propertyName,
    );
    const child = typeMeta?.typeFunction();
    return typeof child === 'function' ? schemaOf(child as Constructor) : { type: 'object' };
  },
};

function schemaOf(cls: Constructor) {
  return targetConstructorToSchema(cls, {
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: converters,
  });
}

function classSettings(
  cls: Constructor,
  defaults: (record: SettingMetadata) => unknown,
  sdk: boolean,
): SettingInfo[] {
  const generated = schemaOf(cls);
  const properties = (generated.properties ?? {}) as Record<string, SettingSchema>;
  const requiredByRules = new Set<string>(generated.required ?? []);
  // The class's own settings first, then those it inherits (the SDK's DeletionSettings...), as the SDK-wide ones
  // come after a destination's own: `--about` opens with what is particular to the destination.
  const inherited = new Set(
    readSettingMetadata(Object.getPrototypeOf(cls) as object).map((r) => r.propertyKey),
  );
  const records = readSettingMetadata(cls);
  const ordered = [
    ...records.filter((r) => !inherited.has(r.propertyKey)),
    ...records.filter((r) => inherited.has(r.propertyKey)),
  ];
  return ordered.map((record) => {
    const schema: SettingSchema = { ...properties[record.name] };
    if (record.description !== undefined) schema.description = record.description;
    const value = defaults(record);
    if (record.secret) {
      schema.secret = true;
      schema.writeOnly = true;
    } else {
      if (value !== undefined) schema.default = value;
      if (record.example !== undefined) schema.examples = [record.example];
    }
    // A property with an initializer may be left out of the config: the initializer is its default.
    return { record, schema, required: requiredByRules.has(record.name) && value === undefined, sdk };
  });
}

/**
 * Every setting a destination accepts, its own first, then the SDK's, each with a JSON Schema generated from the
 * class-validator rules (class-validator-jsonschema), the `@Setting` record and the property initializers.
 *
 * @example
 * ```ts
 * for (const s of describeSettings(resolveDestination(CsvDestination))) console.error(s.record.name, s.schema.type);
 * ```
 */
export function describeSettings(definition: DestinationDefinition): SettingInfo[] {
  const own: SettingInfo[] = [];
  if (definition.configClass) {
    const instance = new definition.configClass() as Record<string, unknown>;
    own.push(...classSettings(definition.configClass, (r) => instance[r.propertyKey], false));
  }
  const defaults = sdkDefaults(definition);
  const ownNames = new Set(own.map((s) => s.record.name));
  const sdk = classSettings(SdkSettings, (r) => defaults[r.name], true).filter(
    (s) => !ownNames.has(s.record.name),
  );
  return [...own, ...sdk];
}

/**
 * The settings as one JSON Schema (draft 07) object: types, defaults, required keys, descriptions, and which are
 * secret (`secret: true`, `writeOnly: true`). Secret settings never carry a default or an example.
 *
 * @example
 * ```ts
 * const schema = buildSettingsSchema(resolveDestination(CsvDestination));
 * new Ajv({ strict: false }).compile(schema);
 * ```
 */
export function buildSettingsSchema(definition: DestinationDefinition): SettingsSchema {
  const settings = describeSettings(definition);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: Object.fromEntries(settings.map((s) => [s.record.name, s.schema])),
    required: settings.filter((s) => s.required).map((s) => s.record.name),
    additionalProperties: true,
  };
}
