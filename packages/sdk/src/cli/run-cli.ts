import { createReadStream, readFileSync } from 'node:fs';
import { ConfigError, SdkError, UsageError } from '../errors';
import type { Constructor } from '../metadata/records';
import { resolveDestination } from '../metadata/resolve';
import { validateConfig } from '../config/validate-config';
import { createLogger } from '../runtime/logger';
import { runDestination, testConnection } from '../runtime/run-destination';
import { writeLine } from '../runtime/write-line';

/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, failed: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

interface ParsedArgs {
  configFiles: string[];
  input: string | undefined;
  testConnection: boolean;
}

function parseArgs(argv: readonly string[]): ParsedArgs {
  const args: ParsedArgs = { configFiles: [], input: undefined, testConnection: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    if (flag === '--config') args.configFiles.push(value());
    else if (flag === '--input') args.input = value();
    else if (flag === '--test-connection') args.testConnection = true;
    else throw new UsageError(`Unknown option ${flag}. Run with --help to see the options.`);
  }
  return args;
}

function readConfigFiles(files: readonly string[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`Cannot read config file ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`Config file ${file} must hold a JSON object.`);
    }
    Object.assign(merged, parsed);
  }
  return merged;
}

/**
 * Turns a destination class into a complete Singer target executable. Only this function calls `process.exit`.
 *
 * @example
 * ```ts
 * #!/usr/bin/env node
 * runCli(CsvDestination);
 * ```
 */
export function runCli(destination: Constructor, argv: readonly string[] = process.argv.slice(2)): void {
  const logger = createLogger();
  const main = async (): Promise<number> => {
    const definition = resolveDestination(destination);
    const args = parseArgs(argv);
    const configSource = args.configFiles.length > 0 ? args.configFiles.join(', ') : 'defaults';
    const { config, settings, unknownKeys } = validateConfig(definition, readConfigFiles(args.configFiles), configSource);
    if (unknownKeys.length > 0) logger.warn({ keys: unknownKeys }, `Ignoring unknown config keys: ${unknownKeys.join(', ')}`);
    if (args.testConnection) {
      const checked = await testConnection(definition, { config, logger });
      await writeLine(process.stderr, `${definition.name}: ${checked}`);
      return EXIT.ok;
    }
    const input = args.input === undefined ? process.stdin : createReadStream(args.input);
    const summary = await runDestination(definition, {
      input,
      inputName: args.input ?? 'stdin',
      config,
      settings,
      logger,
    });
    logger.info({ summary }, 'done');
    return EXIT.ok;
  };
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof SdkError) {
        logger.error({ code: error.code, line: error.line, stream: error.stream }, error.message);
        process.exit(error instanceof UsageError || error instanceof ConfigError ? EXIT.usage : EXIT.failed);
      }
      logger.fatal({ err: error }, 'Unexpected error');
      process.exit(EXIT.failed);
    },
  );
}
