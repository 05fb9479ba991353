import { envVariableName } from '../config/env-settings';
import { describeSettings } from '../config/settings-schema';
import type { DestinationDefinition } from '../metadata/resolve';
import { EXIT } from './exit-codes';
import { FLAGS, type FlagSpec } from './parse-args';

function flagLine(flag: FlagSpec): string {
  const left = `  --${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
  return `${left.padEnd(32)} ${flag.description}`;
}

/**
 * The `--help` text: usage, flags (Meltano-style, then Mage's spellings), the settings with their environment
 * variables, the exit codes, and last the destination's example command lines (`@Destination({ examples })`), where
 * a reader's eye lands after the output scrolls.
 *
 * @example
 * ```ts
 * process.stdout.write(formatHelp(resolveDestination(CsvDestination)));
 * ```
 */
export function formatHelp(definition: DestinationDefinition): string {
  const settings = describeSettings(definition).map(({ record, required }) => {
    const left = `  ${record.name}${required ? ' (required)' : ''}${record.secret ? ' (secret)' : ''}`;
    return `${left.padEnd(32)} ${envVariableName(definition, record.name)}${record.description ? `  ${record.description}` : ''}`;
  });
  return [
    `${definition.name}${definition.version ? ` ${definition.version}` : ''}${definition.description ? `: ${definition.description}` : ''}`,
    '',
    `Usage: ${definition.name} [--config FILE]... [--input FILE] [--state-file PATH] < singer-messages`,
    `       ${definition.name} --test-connection | --about [--format json|markdown] | --show-templates | --version`,
    '',
    'Reads Singer messages (stdin or --input), writes each STATE to stdout once the records before it are stored.',
    'Logs and metrics go to stderr.',
    '',
    'Options:',
    ...FLAGS.filter(
      (f) => f.mageFor === undefined && !['config_json', 'log_to_stdout', 'debug'].includes(f.name),
    ).map(flagLine),
    '',
    "Mage's spellings:",
    ...FLAGS.filter(
      (f) => f.mageFor !== undefined || ['config_json', 'log_to_stdout', 'debug'].includes(f.name),
    ).map(flagLine),
    '',
    'Settings (config key, environment variable):',
    ...settings,
    '',
    `Exit codes: ${EXIT.ok} done, ${EXIT.failed} data or destination error, ${EXIT.usage} usage or config error, ` +
      `${EXIT.sigint} interrupted (SIGINT), ${EXIT.sigterm} interrupted (SIGTERM).`,
    '',
    ...(definition.examples.length > 0
      ? ['Examples:', ...definition.examples.map((example) => `  ${example}`), '']
      : []),
  ].join('\n');
}
