import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envVariableName } from '../config/env-settings';
import { buildSettingsSchema, describeSettings, type SettingsSchema } from '../config/settings-schema';
import type { DestinationDefinition } from '../metadata/resolve';

/** What `--about` prints, in the shape Meltano's `--about --format json` uses. */
export interface AboutInfo {
  name: string;
  description: string | undefined;
  version: string | undefined;
  sdk_version: string;
  capabilities: string[];
  settings: SettingsSchema;
}

function sdkVersion(): string {
  // build/src/cli/about.js → the package's package.json
  const text = readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * Capabilities in Meltano's vocabulary (names Meltano and its Hub know, nothing else): `about` always,
 * `activate-version` with an `@OnActivateVersion` hook, then what `@Destination({ capabilities })` declares.
 * `--test-connection` and record validation are features of every destination, but no Meltano capability names
 * them, so they are not listed.
 */
export function capabilitiesOf(definition: DestinationDefinition): string[] {
  const capabilities: string[] = ['about'];
  if (definition.handlers.onActivateVersion !== undefined) capabilities.push('activate-version');
  for (const name of definition.capabilities) if (!capabilities.includes(name)) capabilities.push(name);
  return capabilities;
}

/**
 * Everything `--about` says about a destination. Built from the class alone, never from a config, so no secret
 * value can be in it.
 *
 * @example
 * ```ts
 * buildAbout(resolveDestination(CsvDestination)).settings.properties.output_path;
 * ```
 */
export function buildAbout(definition: DestinationDefinition): AboutInfo {
  return {
    name: definition.name,
    description: definition.description,
    version: definition.version,
    sdk_version: sdkVersion(),
    capabilities: capabilitiesOf(definition),
    settings: buildSettingsSchema(definition),
  };
}

function cell(value: unknown): string {
  if (value === undefined) return '';
  // Text with line breaks, tabs or edge spaces (a line terminator, a delimiter) is shown as a JSON string.
  const plain =
    typeof value === 'string' && /^\S(.*\S)?$/.test(value) && ![...value].some((c) => c.charCodeAt(0) < 0x20);
  const text = plain ? value : JSON.stringify(value);
  return text.replace(/\|/g, '\\|');
}

function typeOf(schema: { type?: string | string[]; enum?: unknown[] }): string {
  if (schema.enum) return schema.enum.map((v) => cell(v)).join(' \\| ');
  return Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
}

/**
 * `--about --format markdown`: a README section with the capabilities and a settings table.
 *
 * @example
 * ```ts
 * process.stdout.write(formatAboutMarkdown(resolveDestination(CsvDestination)));
 * ```
 */
export function formatAboutMarkdown(definition: DestinationDefinition): string {
  const about = buildAbout(definition);
  const rows = describeSettings(definition).map(({ record, schema, required, sdk }) => {
    const notes = [record.secret ? 'secret' : '', sdk ? 'SDK' : ''].filter(Boolean).join(', ');
    return (
      `| \`${record.name}\` | ${typeOf(schema)} | ${required ? 'yes' : 'no'} | ${cell(schema.default)} | ` +
      `\`${envVariableName(definition, record.name)}\` | ${cell(record.description)}${notes ? ` (${notes})` : ''} |`
    );
  });
  return [
    `# \`${about.name}\``,
    '',
    about.description ?? '',
    '',
    `Version ${about.version ?? 'unknown'}, built with @singer-dest/sdk ${about.sdk_version}.`,
    '',
    '## Capabilities',
    '',
    ...about.capabilities.map((c) => `- \`${c}\``),
    '',
    '## Settings',
    '',
    '| Setting | Type | Required | Default | Environment variable | Description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
