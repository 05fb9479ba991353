import { envPrefix, envVariableName } from '../config/env-settings';
import { knownSettings, type KeySources } from '../config/validate-config';
import type { DestinationDefinition } from '../metadata/resolve';
import { nearestName } from './nearest-name';

/**
 * The warning for config keys nobody knows, each with the file it came from and the setting it most likely
 * meant: `Ignoring unknown config keys: delimeter (prod.json; did you mean delimiter?). ...`. Undefined when
 * every key is known.
 *
 * @example
 * ```ts
 * describeUnknownKeys(definition, ['delimeter'], { delimeter: 'prod.json' });
 * ```
 */
export function describeUnknownKeys(
  definition: DestinationDefinition,
  unknownKeys: readonly string[],
  keySources: KeySources,
): string | undefined {
  if (unknownKeys.length === 0) return undefined;
  const names = knownSettings(definition).map((s) => s.name);
  const keys = unknownKeys.map((key) => {
    const hint = nearestName(key, names);
    return `${key} (${keySources[key]}${hint ? `; did you mean ${hint}?` : ''})`;
  });
  return `Ignoring unknown config keys: ${keys.join(', ')}. Check their spelling; run with --about to list the settings.`;
}

/**
 * Warnings for environment variables with the destination's own prefix that name no setting but are one or two
 * letters off one (`DEST_CSV_DELIMETER`): they are not read, and the typo would otherwise go unnoticed. Other
 * variables with the prefix are left alone: they may belong to something else (a prefix is only a name).
 *
 * @example
 * ```ts
 * describeUnknownVariables(definition, { DEST_CSV_DELIMETER: ';' });
 * // ['Ignoring environment variable DEST_CSV_DELIMETER: dest-csv has no setting "delimeter". Did you mean DEST_CSV_DELIMITER?']
 * ```
 */
export function describeUnknownVariables(
  definition: DestinationDefinition,
  env: NodeJS.ProcessEnv,
): string[] {
  const prefix = envPrefix(definition);
  const names = knownSettings(definition).map((s) => s.name);
  const known = new Set(names.map((name) => envVariableName(definition, name)));
  return Object.keys(env)
    .filter((variable) => variable.startsWith(prefix) && !known.has(variable) && env[variable] !== '')
    .sort()
    .flatMap((variable) => {
      const setting = variable.slice(prefix.length).toLowerCase();
      const hint = nearestName(setting, names);
      if (hint === undefined) return [];
      return [
        `Ignoring environment variable ${variable}: ${definition.name} has no setting "${setting}". ` +
          `Did you mean ${envVariableName(definition, hint)}?`,
      ];
    });
}
