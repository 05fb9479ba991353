import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import { knownSettings, validateConfig, type ValidatedConfig } from '../config/validate-config';
import { SdkError, UsageError, describeError, innermostCodedError } from '../errors';
import type { Constructor } from '../metadata/metadata-types';
import { resolveDestination, type DestinationDefinition } from '../metadata/resolve';
import { createLogger, type LogFormat, type LogSink } from '../runtime/logger';
import { openInputFile, openStdin, regularFileSize } from '../runtime/input-stream';
import { runDestination, testConnection } from '../runtime/run-destination';
import { buildAbout, formatAboutMarkdown } from './about';
import { EXIT, exitCodeFor } from './exit-codes';
import { formatHelp } from './help';
import { loadConfigSources, type ConfigSources } from './load-config-sources';
import { logBatchMetrics, logDeviationMetrics } from './metrics';
import { parseArgs, type CliArgs } from './parse-args';
import { RunProgress, StatusLine, startProgress } from './progress';
import { SecretRedactor } from './redact';
import { interruptedExitCode, watchSignals } from './signals';
import { DEFAULT_RUN_SETTINGS } from '../runtime/settings';
import { writeStateFile } from './state-file';
import { formatSummary } from './summary';
import { describeUnknownKeys, describeUnknownVariables } from './unknown-settings';
import { buildConfigTemplate } from './templates';

export { EXIT } from './exit-codes';

/** The process parts the CLI uses; {@link runCli} passes the real ones. */
export interface CliIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable;
  stderr: LogSink & { columns?: number };
  /** Where SIGINT and SIGTERM arrive (the process). */
  signals: NodeJS.EventEmitter;
  /** Ends the process at once (a second signal). Only the bin entry may exit. */
  exitNow(code: number): void;
  /** Collects the config's secret values; runCli shares it with its last-resort error handlers. */
  redactor?: SecretRedactor;
  /** The size of standard input when it is a regular file (`dest < file`), for progress; runCli checks fd 0. */
  stdinSize?(): number | undefined;
}

interface Session {
  logger: Logger;
  redactor: SecretRedactor;
  status: StatusLine;
  debug: boolean;
  /** The log format in effect. */
  format: LogFormat;
  /** Mage started the process (see {@link CliArgs.mage}). */
  mage: boolean;
  mode: CliArgs['mode'] | undefined;
}

function print(io: CliIo, session: Session, text: string): void {
  io.stdout.write(session.redactor.redact(text.endsWith('\n') ? text : `${text}\n`));
}

function reportError(session: Session, error: unknown): void {
  const { logger } = session;
  if (error instanceof SdkError) {
    // The code that names the cause: a destination's own (ERR_CSV_FILE_COLLISION) inside the SDK's wrapper
    // (ERR_HANDLER_FAILED). The wrapper's message already quotes the inner one and adds where and what to do.
    const inner = innermostCodedError(error) ?? error;
    const fields = {
      code: inner.code,
      line: error.line ?? inner.line,
      stream: error.stream ?? inner.stream,
      ...((error.file ?? inner.file) !== undefined && {
        file: error.file ?? inner.file,
        fileLine: error.fileLine ?? inner.fileLine,
      }),
      ...(inner !== error && { wrappedIn: error.code }),
    };
    if (session.mage) {
      // Mage shows the first ERROR line as the failure, with its tags; its "Test connection" takes `tags.error`.
      logger.fatal(
        session.mode === 'test-connection' ? { ...fields, error: error.message } : fields,
        `${inner.code}: ${error.message}`,
      );
    } else {
      logger.error(fields, error.message);
    }
    if (session.debug && error.cause !== undefined)
      logger[session.mage ? 'warn' : 'error']({ err: error.cause }, `Cause: ${describeError(error.cause)}`);
    else if (exitCodeFor(error) !== EXIT.usage && error.cause !== undefined)
      logger.info('Run with --debug to see the cause and its stack.');
    return;
  }
  const forMage = session.mage && session.mode === 'test-connection' ? { error: describeError(error) } : {};
  logger.fatal({ err: error, ...forMage }, `Unexpected error: ${describeError(error)}`);
}

function secretValues(definition: DestinationDefinition, sources: ConfigSources): unknown[] {
  return knownSettings(definition)
    .filter((s) => s.secret)
    .map((s) => sources.raw[s.name]);
}

function loadConfig(
  definition: DestinationDefinition,
  args: CliArgs,
  io: CliIo,
  session: Session,
): ValidatedConfig {
  const sources = loadConfigSources(definition, args, { env: io.env });
  // Known before validation, so not even a validation message can show a secret.
  session.redactor.add(secretValues(definition, sources));
  const validated = validateConfig(definition, sources.raw, sources.description, sources.keySources);
  const unknownKeys = describeUnknownKeys(definition, validated.unknownKeys, sources.keySources);
  if (unknownKeys !== undefined) session.logger.warn({ keys: validated.unknownKeys }, unknownKeys);
  for (const warning of describeUnknownVariables(definition, io.env)) session.logger.warn(warning);
  session.logger.debug({ sources: sources.description }, `Config read from ${sources.description}`);
  return validated;
}

function openInput(args: CliArgs, io: CliIo): Readable {
  if (args.input === undefined) return io.stdin;
  try {
    accessSync(args.input, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Cannot read the input file ${args.input}: ${code === 'ENOENT' ? 'no such file' : String(code)}.`,
    );
  }
  return openInputFile(args.input);
}

function stateWriter(path: string) {
  // Fail before loading anything rather than at the first state, after a batch was already exported.
  try {
    accessSync(dirname(path) || '.', constants.W_OK);
  } catch {
    throw new UsageError(
      `Cannot write the state file ${path}: its directory does not exist or is not writable.`,
    );
  }
  return (text: string) => {
    try {
      writeStateFile(path, text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new SdkError(
        'ERR_STATE_OUTPUT',
        `Cannot write the state file ${path}: ${code ?? describeError(error)}. Check that its directory exists and is writable.`,
      );
    }
  };
}

/**
 * Under Mage with a state file, STATE goes to the file only, as Mage's own destinations do (base.py `_emit_state`):
 * Mage reads the file, and its log parser, which sees stdout, fails the block on a state whose top-level keys look
 * like a log line's (a string `timestamp`, a `level` of ERROR).
 */
function statesOnlyToFile(args: CliArgs): boolean {
  return args.mage && args.stateFile !== undefined;
}

async function runProcess(
  definition: DestinationDefinition,
  args: CliArgs,
  validated: ValidatedConfig,
  io: CliIo,
  session: Session,
): Promise<number> {
  const { logger, status } = session;
  const input = openInput(args, io);
  if (args.input === undefined && (io.stdin as { isTTY?: boolean }).isTTY) {
    logger.info(
      'Reading Singer messages from the terminal: pipe a tap into this command, or use --input FILE.',
    );
  }
  const onState = args.stateFile === undefined ? undefined : stateWriter(args.stateFile);
  // Not when stdout is the same terminal: STATE lines would land in the middle of the status line.
  const stdoutIsTty = Boolean((io.stdout as { isTTY?: boolean }).isTTY);
  const totalBytes = args.input !== undefined ? regularFileSize(args.input) : io.stdinSize?.();
  const progress = status.isTTY && !stdoutIsTty ? new RunProgress(Date.now(), totalBytes) : undefined;
  const graceMs = validated.settings.stopGracePeriodMs ?? DEFAULT_RUN_SETTINGS.stopGracePeriodMs;
  let graceTimer: NodeJS.Timeout | undefined;
  const watch = watchSignals(
    {
      onFirst: (signal) => {
        logger.warn(
          `Received ${signal}: stopping after the buffered records are exported (at most ` +
            `stop_grace_period_seconds, ${graceMs / 1000} s). Send it again to exit at once.`,
        );
        // A stuck export must not keep a stopped run alive: past the grace period, exit writing nothing more.
        graceTimer = setTimeout(() => {
          logger.error(
            { code: 'ERR_INTERRUPTED' },
            `The buffered records were not exported within stop_grace_period_seconds (${graceMs / 1000} s) ` +
              `after ${signal}: exiting now; no further state is written. Rerun from the last emitted state.`,
          );
          io.exitNow(interruptedExitCode(signal));
        }, graceMs);
        graceTimer.unref();
      },
      onSecond: (signal, code) => {
        logger.warn(`Received ${signal} again: exiting now; no further state is written.`);
        io.exitNow(code);
      },
    },
    io.signals,
  );
  const stopProgress = progress ? startProgress(status, progress) : () => undefined;
  try {
    const summary = await runDestination(definition, {
      input: progress ? progress.countInput(input) : input,
      inputName: args.input ?? 'stdin',
      output: statesOnlyToFile(args)
        ? new Writable({ write: (_chunk, _encoding, done) => done() })
        : io.stdout,
      config: validated.config,
      settings: validated.settings,
      inputDialect: args.mage ? 'mage' : 'singer',
      tuneProcess: true, // the CLI owns its process
      logger,
      signal: watch.signal,
      onState,
      onBatchExported: (report) => {
        logBatchMetrics(logger, report, session.format === 'text' && status.isTTY ? 'debug' : 'info');
        progress?.onBatch(report);
      },
    });
    stopProgress();
    logDeviationMetrics(logger, summary.deviations);
    logger.info({ summary }, formatSummary(summary));
    if (summary.stoppedBy === 'signal') return interruptedExitCode(watch.received ?? 'SIGTERM');
    if (summary.stoppedBy === 'output-closed') {
      logger.warn(
        'stdout was closed by its reader (EPIPE): stopped reading input. States after that point were not delivered.',
      );
    }
    return EXIT.ok;
  } finally {
    stopProgress();
    clearTimeout(graceTimer);
    watch.dispose();
  }
}

async function execute(
  definition: DestinationDefinition,
  args: CliArgs,
  io: CliIo,
  session: Session,
): Promise<number> {
  switch (args.mode) {
    case 'help':
      print(io, session, formatHelp(definition));
      return EXIT.ok;
    case 'version':
      print(io, session, `${definition.name} ${definition.version ?? 'unknown'}`);
      return EXIT.ok;
    case 'about':
      print(
        io,
        session,
        args.format === 'markdown'
          ? formatAboutMarkdown(definition)
          : JSON.stringify(buildAbout(definition), null, 2),
      );
      return EXIT.ok;
    case 'show-templates': {
      const template = buildConfigTemplate(definition);
      // Mage (mage_ai/server/api/integration_sources.py) json.loads each output line on its own: one line.
      print(
        io,
        session,
        args.templateShape === 'mage'
          ? JSON.stringify({ config: template })
          : JSON.stringify(template, null, 2),
      );
      return EXIT.ok;
    }
    case 'test-connection': {
      const validated = loadConfig(definition, args, io, session);
      const checked = await testConnection(definition, { config: validated.config, logger: session.logger });
      print(io, session, `${definition.name}: ${checked}`);
      return EXIT.ok;
    }
    case 'run':
      return runProcess(definition, args, loadConfig(definition, args, io, session), io, session);
  }
}

/**
 * Runs the command line against a destination and resolves with the exit code; never exits the process itself
 * (except through `io.exitNow` on a second signal). {@link runCli} is the bin entry around it.
 *
 * @example
 * ```ts
 * const code = await executeCli(CsvDestination, { argv: ['--about'], env: {}, stdin, stdout, stderr, signals: process, exitNow: process.exit });
 * ```
 */
export async function executeCli(destination: Constructor, io: CliIo): Promise<number> {
  const redactor = io.redactor ?? new SecretRedactor();
  const status = new StatusLine(io.stderr);
  const redact = (text: string) => redactor.redact(text);
  const session: Session = {
    logger: createLogger({ destination: status, redact }),
    redactor,
    status,
    debug: false,
    format: status.isTTY ? 'text' : 'json',
    mage: false,
    mode: undefined,
  };
  try {
    const definition = resolveDestination(destination);
    const args = parseArgs(io.argv);
    session.debug = args.debug;
    session.mage = args.mage;
    session.mode = args.mode;
    session.format = args.logFormat ?? (args.mage ? 'mage' : session.format);
    session.logger = createLogger({
      destination: status,
      redact,
      level: args.logLevel ?? (args.debug ? 'debug' : 'info'),
      format: session.format,
      mageErrorPrefix: args.mage && args.mode === 'test-connection',
    });
    if (args.mage)
      session.logger.debug(
        'Mage mode (a Mage flag was given): logs are Mage LOG lines on stderr, which Mage reads merged with ' +
          'stdout; stdout carries only STATE lines.',
      );
    if (args.catalog !== undefined)
      session.logger.debug(
        '--catalog_json is accepted and not used: the destination loads the streams and properties its input holds.',
      );
    return await execute(definition, args, io, session);
  } catch (error) {
    reportError(session, error);
    return exitCodeFor(error);
  }
}

/**
 * Turns a destination class into a complete Singer target executable: flags, config files and environment,
 * modes, logs, metrics, signals and exit codes (see docs/command-line.md). The only place that calls
 * `process.exit`.
 *
 * @example
 * ```ts
 * #!/usr/bin/env node
 * runCli(CsvDestination);
 * ```
 */
export function runCli(destination: Constructor, argv: readonly string[] = process.argv.slice(2)): void {
  // A reader that goes away (`| head -1`) makes stdout emit EPIPE; the loop stops on it. Never crash on it later.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const redactor = new SecretRedactor();
  // Destination code may throw outside any awaited call (a callback, a forgotten promise). Node would print
  // the raw error, secrets included; print it redacted and fail instead.
  const crash = (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(redactor.redact(`Unexpected error: ${text}\n`));
    process.exit(EXIT.failed);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  let stdin: Readable | undefined;
  const io: CliIo = {
    redactor,
    argv,
    env: process.env,
    // Opened on first use: --about or --test-connection never touch standard input.
    get stdin() {
      return (stdin ??= openStdin());
    },
    stdinSize: () => regularFileSize(0),
    stdout: process.stdout,
    stderr: process.stderr,
    signals: process,
    exitNow: (code) => process.exit(code),
  };
  let settled = false;
  // If the run ever stopped making progress (a promise nobody resolves), node would exit with 0 as if it had
  // succeeded. Say so and fail instead.
  process.once('beforeExit', () => {
    if (settled) return;
    process.stderr.write(
      'Internal error: the run stopped before finishing (a pending operation never completed).\n',
    );
    process.exit(EXIT.failed);
  });
  executeCli(destination, io).then(
    (code) => {
      settled = true;
      process.exit(code);
    },
    (error: unknown) => {
      settled = true;
      crash(error);
    },
  );
}
