import type { DestinationDefinition } from '../metadata/resolve';
import { describeSettings, type SettingSchema } from './settings-schema';

/** The environment variable prefix of a destination: its name upper-cased, `-` and other signs as `_`. */
export function envPrefix(definition: Pick<DestinationDefinition, 'name'>): string {
  return `${definition.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;
}

/** The environment variable of one setting, e.g. `DEST_CSV_OUTPUT_PATH` for `output_path` of `dest-csv`. */
export function envVariableName(definition: Pick<DestinationDefinition, 'name'>, setting: string): string {
  return `${envPrefix(definition)}${setting.toUpperCase()}`;
}

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function typesOf(schema: SettingSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type === undefined ? [] : [schema.type];
}

/**
 * Turns an environment variable's text into the setting's type: `true/false/1/0/yes/no/on/off` for booleans,
 * numbers for numbers, JSON for arrays and objects. Text that does not convert stays text, so validation reports
 * it against the variable's name.
 *
 * @example
 * ```ts
 * coerceEnvValue('250', { type: 'integer' }); // 250
 * ```
 */
export function coerceEnvValue(text: string, schema: SettingSchema): unknown {
  const types = typesOf(schema);
  if (types.includes('boolean')) {
    if (/^(true|1|yes|on)$/i.test(text.trim())) return true;
    if (/^(false|0|no|off)$/i.test(text.trim())) return false;
  }
  if ((types.includes('integer') || types.includes('number')) && NUMBER.test(text)) return Number(text);
  if (types.includes('array') || types.includes('object')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Settings found in the environment, and the variable each came from. */
export interface EnvSettings {
  values: Record<string, unknown>;
  /** Setting name → variable name, e.g. `output_path` → `DEST_CSV_OUTPUT_PATH`. */
  variables: Record<string, string>;
}

/**
 * The prefix Meltano adds for every loader besides the plugin's own name: it exports each setting of the loader
 * in a run as `MELTANO_LOAD_<SETTING>` too (meltano/meltano, core/plugin/project_plugin.py `env_prefixes`:
 * `meltano_{type.verb}`).
 */
export const MELTANO_LOADER_PREFIX = 'MELTANO_LOAD_';

/**
 * Reads `<NAME>_<SETTING>` variables, else `MELTANO_LOAD_<SETTING>`, for every setting the destination and the SDK
 * know (as Meltano passes them). Empty variables count as unset.
 *
 * @example
 * ```ts
 * readEnvSettings(resolveDestination(CsvDestination), { DEST_CSV_OUTPUT_PATH: 'out' }).values; // { output_path: 'out' }
 * readEnvSettings(resolveDestination(CsvDestination), { MELTANO_LOAD_DELIMITER: ';' }).values; // { delimiter: ';' }
 * ```
 */
export function readEnvSettings(definition: DestinationDefinition, env: NodeJS.ProcessEnv): EnvSettings {
  const result: EnvSettings = { values: {}, variables: {} };
  for (const { record, schema } of describeSettings(definition)) {
    // The destination's own name is the more specific source: it wins when both are set.
    const variable = [
      envVariableName(definition, record.name),
      `${MELTANO_LOADER_PREFIX}${record.name.toUpperCase()}`,
    ].find((name) => env[name] !== undefined && env[name] !== '');
    if (variable === undefined) continue;
    result.values[record.name] = coerceEnvValue(env[variable]!, schema);
    result.variables[record.name] = variable;
  }
  return result;
}
