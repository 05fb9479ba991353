import { readFileSync } from 'node:fs';
import type * as Yaml from 'yaml';
import { readEnvSettings } from '../config/env-settings';
import { ConfigError } from '../errors';
import type { DestinationDefinition } from '../metadata/resolve';
import type { CliArgs } from './parse-args';

/** The merged raw config, and where each key came from. */
export interface ConfigSources {
  raw: Record<string, unknown>;
  /** Top-level key → the source that set it last, e.g. `b.json` or `env DEST_CSV_OUTPUT_PATH`. */
  keySources: Record<string, string>;
  /** The sources that contributed, in merge order, for messages; `defaults` when there were none. */
  description: string;
}

/** What the loader reads; tests pass their own. */
export interface ConfigInputs {
  env: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// JSON.parse messages may quote the text around the error, and config files hold passwords: keep only the position.
function jsonProblem(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return `not valid JSON at line ${line}, column ${column}`;
  }
  if (/end of JSON input/.test(message)) return 'not valid JSON: it ends too early';
  return 'not valid JSON';
}

function readText(path: string, what: string, read: (path: string) => string): string {
  try {
    return read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : String(code ?? 'unreadable');
    throw new ConfigError(`Cannot read ${what} ${path}: ${reason}.`);
  }
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${what} is ${jsonProblem(error, text)}. It must hold one JSON object.`);
  }
  if (!isPlainObject(parsed)) throw new ConfigError(`${what} must hold a JSON object ({...}).`);
  return parsed;
}

function parseSettingsYaml(text: string, path: string): Record<string, unknown> {
  // Loaded only for --settings: most runs never need a YAML parser, and every run pays for what it loads.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse: parseYaml, YAMLParseError } = require('yaml') as typeof Yaml;
  let parsed: unknown;
  try {
    parsed = parseYaml(text); // linePos is set; the message (which quotes the text) is never shown
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos
        ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`
        : '';
    throw new ConfigError(`Settings file ${path} is not valid YAML${where}.`);
  }
  const config = isPlainObject(parsed) ? parsed.config : undefined;
  if (!isPlainObject(config)) {
    throw new ConfigError(
      `Settings file ${path} must have a \`config\` key holding the config (a mapping), as Mage writes it.`,
    );
  }
  return config;
}

/**
 * Reads and merges the config, later sources winning key by key: the `--settings` YAML's `config` key (only
 * without `--config_json`, which Mage renders from that file), each
 * `--config` file in order, the environment (`<NAME>_<SETTING>`), then `--config_json`. Parse errors name the
 * source and position but never quote its text (it may hold a password).
 *
 * @example
 * ```ts
 * const { raw, keySources } = loadConfigSources(definition, args, { env: process.env });
 * ```
 */
export function loadConfigSources(
  definition: DestinationDefinition,
  args: Pick<CliArgs, 'configFiles' | 'configJson' | 'settingsFile'>,
  inputs: ConfigInputs,
): ConfigSources {
  const read = inputs.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const raw: Record<string, unknown> = {};
  const keySources: Record<string, string> = {};
  const used: string[] = [];
  const merge = (values: Record<string, unknown>, source: (key: string) => string, name: string) => {
    if (Object.keys(values).length === 0) return;
    used.push(name);
    for (const [key, value] of Object.entries(values)) {
      raw[key] = value;
      keySources[key] = source(key);
    }
  };
  // Mage renders the --settings YAML (Jinja: `{{ env_var('X') }}`, which is not always YAML) into --config_json and
  // passes both: the file is then the raw template, so it is not read.
  if (args.settingsFile !== undefined && args.configJson === undefined) {
    const text = readText(args.settingsFile, 'settings file', read);
    merge(parseSettingsYaml(text, args.settingsFile), () => args.settingsFile!, args.settingsFile);
  }
  for (const file of args.configFiles) {
    merge(parseJsonObject(readText(file, 'config file', read), `Config file ${file}`), () => file, file);
  }
  const env = readEnvSettings(definition, inputs.env);
  merge(env.values, (key) => `env ${env.variables[key]}`, 'environment');
  if (args.configJson !== undefined) {
    merge(
      parseJsonObject(args.configJson, 'The --config_json value'),
      () => '--config_json',
      '--config_json',
    );
  }
  return { raw, keySources, description: used.length > 0 ? used.join(', ') : 'defaults' };
}
