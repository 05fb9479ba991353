import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ConfigError, type ConfigProblem } from '../errors';
import type { Constructor } from '../metadata/metadata-types';
import { readSettingMetadata } from '../metadata/store';
import type { DestinationDefinition } from '../metadata/resolve';
import type { RunSettings } from '../runtime/settings';
import { SdkSettings } from './sdk-settings';

/** A validated configuration. */
export interface ValidatedConfig {
  /** An instance of the destination's config class (or `{}` when it has none). */
  config: unknown;
  /** The SDK-wide settings found in the same JSON. */
  settings: Partial<RunSettings>;
  /** Keys that neither the destination nor the SDK knows; the CLI warns about them. */
  unknownKeys: string[];
  /** JSON names of secret settings, for redaction. */
  secretNames: string[];
}

/** Every setting the SDK and the destination know, by JSON name. */
export function knownSettings(definition: DestinationDefinition) {
  const own = definition.configClass ? readSettingMetadata(definition.configClass) : [];
  return [...readSettingMetadata(SdkSettings), ...own];
}

function problemsOf(errors: ValidationError[], names: Map<string, string>, prefix = ''): ConfigProblem[] {
  return errors.flatMap((error) => {
    const path = prefix + (names.get(error.property) ?? error.property);
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      path,
      rule,
      // class-validator names the property by its TypeScript name; users know the JSON key.
      message: message.replace(error.property, path),
    }));
    return [...own, ...problemsOf(error.children ?? [], new Map(), `${path}.`)];
  });
}

function validateInto<T extends object>(
  cls: Constructor<T>,
  raw: Record<string, unknown>,
): { instance: T; problems: ConfigProblem[] } {
  const instance = plainToInstance(cls, raw, { excludeExtraneousValues: true, exposeDefaultValues: true });
  const names = new Map(readSettingMetadata(cls).map((s) => [s.propertyKey, s.name]));
  const problems = problemsOf(validateSync(instance, { forbidUnknownValues: false }), names);
  return { instance, problems };
}

/** Where each top-level key came from, for error messages: e.g. `config.json` or `env DEST_CSV_OUTPUT_PATH`. */
export type KeySources = Readonly<Record<string, string>>;

function describeSource(
  path: string,
  raw: Record<string, unknown>,
  keySources: KeySources | undefined,
): string {
  const key = path.split('.')[0]!;
  if (!(key in raw)) return 'not set';
  return keySources?.[key] ?? '';
}

/**
 * Validates raw JSON config (already merged from files and environment) into the destination's config class and
 * the SDK settings. Throws one {@link ConfigError} listing every invalid field: its path, what is wrong, the rule,
 * and (with `keySources`) the file or variable it came from. Never includes a value.
 *
 * @example
 * ```ts
 * const { config, settings } = validateConfig(resolveDestination(CsvDestination), { output_path: 'out' }, 'config.json');
 * ```
 */
export function validateConfig(
  definition: DestinationDefinition,
  raw: Record<string, unknown>,
  sourceName = 'the config',
  keySources?: KeySources,
): ValidatedConfig {
  const sdk = validateInto(SdkSettings, raw);
  const own = definition.configClass
    ? validateInto(definition.configClass, raw)
    : { instance: {}, problems: [] };
  const problems = [...sdk.problems, ...own.problems];
  if (problems.length > 0) {
    const lines = problems.map((p) => {
      const source = describeSource(p.path, raw, keySources);
      return `  - ${p.path}: ${p.message} (${p.rule})${source ? ` [${source}]` : ''}`;
    });
    throw new ConfigError(
      `Invalid config in ${sourceName} for ${definition.className}:\n${lines.join('\n')}`,
      problems,
    );
  }
  const known = knownSettings(definition);
  const knownNames = new Set(known.map((s) => s.name));
  return {
    config: own.instance,
    settings: sdk.instance.toRunSettings(),
    unknownKeys: Object.keys(raw).filter((k) => !knownNames.has(k)),
    secretNames: known.filter((s) => s.secret).map((s) => s.name),
  };
}
