import { parseArgs as parseNodeArgs } from 'node:util';
import { UsageError } from '../errors';
import { nearestName } from './nearest-name';

/** What the process is asked to do. */
export type CliMode = 'run' | 'test-connection' | 'about' | 'show-templates' | 'version' | 'help';

/** The parsed command line. */
export interface CliArgs {
  mode: CliMode;
  /** `mage` in Mage mode: Mage wants `{"config": {...}}` on one line. */
  templateShape: 'config' | 'mage';
  /**
   * Mage mode: the command line used one of Mage's own flags (`--config_json`, `--settings`, `--input_file_path`,
   * `--state`, `--catalog_json`, `--log_to_stdout`, `--test_connection`, `--show_templates`), as Mage's runner
   * always does. Logs are then Mage LOG lines, input lines that are no Singer message are skipped and NaN loads as
   * NULL (see docs/command-line.md).
   */
  mage: boolean;
  /** `--catalog_json` (Mage), parsed; accepted and not used: the input decides what is loaded. */
  catalog: Record<string, unknown> | undefined;
  /** `--config` files, merged in order. */
  configFiles: string[];
  /** `--config_json`: config as a JSON text (Mage). */
  configJson: string | undefined;
  /** `--settings`: a YAML file whose `config` key holds config (Mage). */
  settingsFile: string | undefined;
  input: string | undefined;
  stateFile: string | undefined;
  format: 'json' | 'markdown';
  logLevel: string | undefined;
  logFormat: 'text' | 'json' | undefined;
  debug: boolean;
  /** Mage's `--log_to_stdout` was given a non-empty value. Logs stay on stderr; they become JSON lines. */
  logToStdout: boolean;
}

/** One command-line flag, for parsing, `--help` and the docs. */
export interface FlagSpec {
  name: string;
  /** The value's placeholder; absent for a switch. */
  value?: string;
  repeatable?: boolean;
  /** The Meltano-style flag this Mage spelling stands for, when it is one. */
  mageFor?: string;
  description: string;
}

/** Every flag the CLI accepts. */
export const FLAGS: readonly FlagSpec[] = [
  {
    name: 'config',
    value: 'FILE',
    repeatable: true,
    description: 'JSON config file; repeat to merge several, later files win.',
  },
  { name: 'input', value: 'FILE', description: 'Read Singer messages from FILE instead of stdin.' },
  {
    name: 'state-file',
    value: 'PATH',
    description: 'Also write each emitted STATE to PATH (atomically: temp file, fsync, rename).',
  },
  {
    name: 'test-connection',
    description: 'Run @BeforeProcess, @TestConnection, @AfterProcess; print what was checked; exit 0 or 1.',
  },
  {
    name: 'about',
    description: 'Print name, version, description, capabilities and the settings JSON Schema.',
  },
  { name: 'format', value: 'json|markdown', description: 'Output format of --about (default json).' },
  { name: 'show-templates', description: 'Print a ready-to-edit config file built from the config class.' },
  {
    name: 'log-level',
    value: 'LEVEL',
    description: 'trace, debug, info (default), warn, error, fatal or silent.',
  },
  {
    name: 'log-format',
    value: 'text|json',
    description: 'Log format on stderr (default: text on a terminal, json otherwise).',
  },
  { name: 'version', description: 'Print the version and exit.' },
  { name: 'help', description: 'Print this help and exit.' },
  {
    name: 'config_json',
    value: 'JSON',
    mageFor: '--config',
    description: 'Config as a JSON text (Mage); wins over files and environment.',
  },
  {
    name: 'settings',
    value: 'FILE',
    mageFor: '--config',
    description: 'YAML file whose `config` key holds config (Mage); lowest precedence.',
  },
  { name: 'input_file_path', value: 'FILE', mageFor: '--input', description: 'Same as --input (Mage).' },
  {
    name: 'state',
    value: 'PATH',
    mageFor: '--state-file',
    description: 'Same as --state-file (Mage reads the last state from this file).',
  },
  { name: 'test_connection', mageFor: '--test-connection', description: 'Same as --test-connection (Mage).' },
  {
    name: 'show_templates',
    mageFor: '--show-templates',
    description: 'Print templates as Mage expects them: {"config": {...}}.',
  },
  {
    name: 'catalog_json',
    value: 'JSON',
    description: "Mage's catalog; accepted and ignored: the destination loads the streams its input holds.",
  },
  {
    name: 'log_to_stdout',
    value: 'VALUE',
    description:
      'Accepted for Mage (any non-empty value is true). Logs are Mage LOG lines on stderr, which Mage reads merged with stdout.',
  },
  {
    name: 'debug',
    description: 'Same as --log-level debug, and print the cause of errors with its stack (Mage).',
  },
];

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** The flag a mistyped one most likely meant: the other spelling (`-` for `_`), or one or two letters off. */
function suggestFlag(name: string): FlagSpec | undefined {
  const hint = nearestName(
    name,
    FLAGS.map((f) => f.name),
  );
  return FLAGS.find((f) => f.name === hint);
}

type Values = Record<string, string | boolean | string[] | undefined>;

function checkTokens(argv: readonly string[]): Values {
  const options = Object.fromEntries(
    FLAGS.map((f) => [
      f.name,
      { type: f.value ? ('string' as const) : ('boolean' as const), multiple: f.repeatable === true },
    ]),
  );
  const { values, tokens } = parseNodeArgs({
    args: [...argv],
    options,
    strict: false,
    tokens: true,
    allowPositionals: true,
  });
  for (const token of tokens) {
    if (token.kind === 'positional') {
      throw new UsageError(
        `Unexpected argument ${JSON.stringify(token.value)}. Run with --help to see the options.`,
      );
    }
    if (token.kind !== 'option') continue;
    const spec = FLAGS.find((f) => f.name === token.name);
    if (spec === undefined) {
      const hint = suggestFlag(token.name);
      throw new UsageError(
        `Unknown option ${token.rawName}.${hint ? ` Did you mean --${hint.name}?` : ''} Run with --help to see the options.`,
      );
    }
    if (spec.value && token.value === undefined) {
      throw new UsageError(
        `${token.rawName} needs a value (${spec.value}). Example: ${token.rawName} ${spec.value === 'FILE' ? 'config.json' : spec.value}`,
      );
    }
    if (!spec.value && token.inlineValue) throw new UsageError(`${token.rawName} takes no value.`);
  }
  return values;
}

function pick(values: Values, a: string, b: string): string | undefined {
  const first = values[a] as string | undefined;
  const second = values[b] as string | undefined;
  if (first !== undefined && second !== undefined && first !== second) {
    throw new UsageError(`--${a} and --${b} are the same option and were given different values; give one.`);
  }
  return first ?? second;
}

/** Mage's own flags (mage_integrations/destinations/base.py); any of them means Mage started the process. */
const MAGE_FLAGS = [
  'config_json',
  'settings',
  'input_file_path',
  'state',
  'catalog_json',
  'log_to_stdout',
  'test_connection',
  'show_templates',
];

function parseCatalog(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--catalog_json must be a JSON object (a Singer catalog), and is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('--catalog_json must be a JSON object (a Singer catalog).');
  }
  return parsed as Record<string, unknown>;
}

function chooseMode(values: Values): CliMode {
  if (values.help) return 'help';
  if (values.version) return 'version';
  const modes: [string, CliMode][] = [
    ['about', 'about'],
    ['show-templates', 'show-templates'],
    ['show_templates', 'show-templates'],
    ['test-connection', 'test-connection'],
    ['test_connection', 'test-connection'],
  ];
  const given = modes.filter(([flag]) => values[flag] === true);
  const distinct = [...new Set(given.map(([, mode]) => mode))];
  if (distinct.length > 1) {
    throw new UsageError(`${given.map(([f]) => `--${f}`).join(' and ')} cannot be combined; choose one.`);
  }
  return distinct[0] ?? 'run';
}

/**
 * Parses the command line (Meltano-style flags and Mage's spellings) with node's `util.parseArgs`, and checks it:
 * unknown flags, missing values, conflicting modes and bad enum values are {@link UsageError}s.
 *
 * @example
 * ```ts
 * parseArgs(['--config', 'a.json', '--config', 'b.json']).configFiles; // ['a.json', 'b.json']
 * ```
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const values = checkTokens(argv);
  const mode = chooseMode(values);
  const mage = MAGE_FLAGS.some((flag) => values[flag] !== undefined);
  const format = (values.format as string | undefined) ?? 'json';
  if (format !== 'json' && format !== 'markdown')
    throw new UsageError(`--format must be json or markdown, not ${JSON.stringify(format)}.`);
  if (values.format !== undefined && mode !== 'about')
    throw new UsageError('--format only applies to --about.');
  const logFormat = values['log-format'] as string | undefined;
  if (logFormat !== undefined && logFormat !== 'text' && logFormat !== 'json') {
    throw new UsageError(`--log-format must be text or json, not ${JSON.stringify(logFormat)}.`);
  }
  const logLevel = values['log-level'] as string | undefined;
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(
      `--log-level must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(logLevel)}.`,
    );
  }
  const logToStdout = values.log_to_stdout as string | undefined;
  return {
    mode,
    templateShape: mage ? 'mage' : 'config',
    mage,
    catalog: parseCatalog(values.catalog_json as string | undefined),
    configFiles: (values.config as string[] | undefined) ?? [],
    configJson: values.config_json as string | undefined,
    settingsFile: values.settings as string | undefined,
    input: pick(values, 'input', 'input_file_path'),
    stateFile: pick(values, 'state-file', 'state'),
    format,
    logLevel,
    logFormat: logFormat,
    debug: values.debug === true,
    logToStdout: logToStdout !== undefined && logToStdout !== '',
  };
}
