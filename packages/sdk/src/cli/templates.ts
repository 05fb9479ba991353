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
 * A ready-to-edit config object: every setting of the destination with its default, else its example, else an
 * empty value of its type; then the SDK settings that have a default. Secret settings are always empty.
 *
 * @example
 * ```ts
 * writeFileSync('config.json', JSON.stringify(buildConfigTemplate(resolveDestination(CsvDestination)), null, 2));
 * ```
 */
export function buildConfigTemplate(definition: DestinationDefinition): Record<string, unknown> {
  const template: Record<string, unknown> = {};
  for (const { record, schema, sdk } of describeSettings(definition)) {
    if (record.secret) {
      template[record.name] = '';
    } else if (schema.default !== undefined) {
      template[record.name] = schema.default;
    } else if (!sdk) {
      template[record.name] = record.example !== undefined ? record.example : placeholder(schema);
    }
  }
  return template;
}
