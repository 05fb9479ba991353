import { describeSettings, type SettingSchema } from '../config/settings-schema';
import type { DestinationDefinition } from '../metadata/resolve';

function placeholder(schema: SettingSchema): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (schema.enum !== undefined) return schema.enum[0];
  switch (type) {
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return '';
  }
}

/**
 * A ready-to-edit config object: each setting of the destination with its default, else its example; a required
 * setting with neither gets an empty value of its type (a required secret: `""`); optional settings with neither
 * are left out, so the file validates as it is once the required values are filled. Then the SDK settings that
 * have a default. Never a secret's value.
 *
 * @example
 * ```ts
 * writeFileSync('config.json', JSON.stringify(buildConfigTemplate(resolveDestination(CsvDestination)), null, 2));
 * ```
 */
export function buildConfigTemplate(definition: DestinationDefinition): Record<string, unknown> {
  const template: Record<string, unknown> = {};
  for (const { record, schema, required, sdk } of describeSettings(definition)) {
    if (record.secret) {
      if (required) template[record.name] = '';
    } else if (schema.default !== undefined) {
      template[record.name] = schema.default;
    } else if (!sdk && record.example !== undefined) {
      template[record.name] = record.example;
    } else if (required) {
      template[record.name] = placeholder(schema);
    }
  }
  return template;
}
