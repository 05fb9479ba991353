import { open, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  AfterProcess,
  BeforeProcess,
  CheckRecord,
  DescribeOutput,
  Destination,
  ExportBatch,
  OnSchema,
  SdcValues,
  TestConnection,
  type BatchContext,
  type DescribeOutputContext,
  type EncodeContext,
  type Logger,
  type ProcessContext,
  type SchemaContext,
} from '@singer-dest/sdk';
import { CsvConfig } from './config';
import { CsvEncoder } from './csv-encoder';
import { CsvError } from './csv-error';
import { CsvFile, writeFully } from './csv-file';
import { lockPathOf } from './part-lock';
import { formatStrftime } from './date-format';
import { FileNamer } from './file-naming';
import { makeDirectory } from './make-directory';
import { planColumns, type ColumnPlan } from './flatten';
import { encodeRows } from './batch-rows';
import { METADATA_COLUMNS, RowEncoder, mergeExtras, type ExtraReport } from './row-encoder';
import { RowWriter } from './row-writer';
import { TextEncoding } from './text-encoding';

/** A stream's file: the part being written. Shared by the stream's states from schema to schema. */
interface StreamFile {
  basePath: string;
  file: CsvFile | undefined;
  /** The columns of the open file's header. */
  fileColumns: readonly string[];
}

/** One stream's state (what `@OnSchema` returns; the SDK keeps it): its columns from its SCHEMA, and its file. */
interface StreamOutput {
  plan: ColumnPlan;
  /** Encodes this thread's share of each batch. */
  rows: RowEncoder;
  /** Checks records as they are read, when a record can be refused at all (see checkRecord). */
  checker: RowEncoder | undefined;
  target: StreamFile;
}

/**
 * The share of each batch this thread encodes itself while the row-writing thread does the rest. This thread
 * also reads, parses and validates every line, so it takes the small part: in the benchmark (1M records, two
 * cores) 0.15 was fastest: 5.9 s against 6.7 s with 0, 6.1 s with 0.25 and 6.9 s with 0.45.
 */
const MAIN_THREAD_SHARE = 0.15;

const sameColumns = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((column, i) => column === b[i]);

/**
 * Writes one CSV file per stream into `output_path`. Schema changes that change the columns continue the stream
 * in a new part file (`users.part2.csv`) with the new header, so no column is ever dropped.
 *
 * @example
 * ```ts
 * import { runCli } from '@singer-dest/sdk';
 * runCli(CsvDestination); // npx dest-csv --config config.json < input.singer
 * ```
 */
@Destination({
  name: 'dest-csv',
  version: '0.1.0',
  description: 'Writes one CSV file per stream.',
  config: CsvConfig,
  capabilities: ['schema-flattening'],
  // The README's first lines; test/cli/help-examples.test.ts keeps them equal.
  examples: [
    'npx dest-csv --config config.json < input.singer      # settings below; MeltanoLabs target-csv configs work as is',
    'npx dest-csv --test-connection --config config.json    # checks that output_path can be created and written',
    'npx dest-csv --about --format markdown                 # every setting, with types and environment variables',
  ],
  // Objects and arrays are written as JSON text (unflattened), so an array in an object column fits.
  jsonColumnsHoldAnyJson: true,
  // A batch is held as the lines were read, and one is written while the next fills: with two threads, 10 MB
  // batches kept both busy and peak memory near 200 MB; 100 MB batches were 10% slower and peaked at 350 MB.
  maxBatchMb: 10,
})
export class CsvDestination {
  /** Every stream's file, to close at the end. */
  private readonly files = new Set<StreamFile>();
  /** Every file (part) each stream wrote to in this run, in order: the closing summary names them. */
  private readonly written = new Map<string, string[]>();
  private namer!: FileNamer;
  private encoder!: CsvEncoder;
  private encoding!: TextEncoding;
  private writer: RowWriter | undefined;
  /** Whether a record can be refused at all: only when the encoding is limited. */
  private checksRows = false;
  /** The metadata values (add_record_metadata); its run start is shared with the row-writing thread. */
  private metadata: SdcValues | undefined;
  /** The stream the `table` setting names the file of (there may be only one). */
  private tableStream: string | undefined;

  @BeforeProcess
  async start({ config, mode }: ProcessContext<CsvConfig>): Promise<void> {
    const outputDir = resolve(config.outputPath);
    const now = new Date();
    this.namer = new FileNamer(outputDir, config.fileNamingScheme, {
      datestamp: formatStrftime(now, config.datestampFormat, config.timestampTimezone),
      timestamp: formatStrftime(now, config.timestampFormat, config.timestampTimezone),
    });
    const { delimiter, quoteCharacter: quote, escapeCharacter, lineTerminator } = config;
    this.encoder = new CsvEncoder({ delimiter, quote, escape: escapeCharacter ?? quote, lineTerminator });
    this.encoding = new TextEncoding(config.encoding);
    this.checksRows = this.encoding.isLimited;
    this.metadata = config.addRecordMetadata ? new SdcValues() : undefined;
    if (mode !== 'process') return;
    await makeDirectory(outputDir, 'output_path');
    this.writer = new RowWriter({
      dialect: this.encoder.dialect,
      encoding: config.encoding,
      escapeFormulas: config.escapeFormulas,
      runStartedAtUs: this.metadata?.runStartedAtUs,
    });
  }

  @OnSchema
  schema({
    stream,
    schema,
    config,
    logger,
    changed,
    state,
  }: SchemaContext<CsvConfig, StreamOutput>): StreamOutput {
    if (!changed && state !== undefined) return state;
    const flattening = { enabled: config.flatteningEnabled, maxDepth: config.flatteningMaxDepth };
    const plan = planColumns(schema, flattening, config.addRecordMetadata ? METADATA_COLUMNS : [], stream);
    const rowOptions = {
      plan,
      encoder: this.encoder,
      encoding: this.encoding,
      escapeFormulas: config.escapeFormulas,
      metadata: this.metadata,
    };
    const rows = new RowEncoder(rowOptions);
    const checker = this.checksRows ? new RowEncoder(rowOptions) : undefined;
    this.writer?.defineStream(stream, plan);
    // The SDK exported the stream's records before a changed SCHEMA; a different header starts a new part.
    if (state !== undefined) return { plan, rows, checker, target: state.target };
    if (config.table !== undefined) {
      if (this.tableStream !== undefined) {
        throw new CsvError(
          'ERR_CSV_TABLE_FOR_ONE_STREAM',
          `The table setting (${JSON.stringify(config.table)}) names the file of one stream, but the input holds ` +
            `stream ${JSON.stringify(stream)} after ${JSON.stringify(this.tableStream)}. Load one stream per run ` +
            '(as Mage does), or unset table.',
        );
      }
      this.tableStream = stream;
    }
    const basePath = this.namer.pathFor(config.table ?? stream);
    this.namer.claim(stream, basePath);
    const target: StreamFile = { basePath, file: undefined, fileColumns: [] };
    this.files.add(target);
    logger.info({ stream, file: basePath }, `stream ${JSON.stringify(stream)} is written to ${basePath}`);
    return { plan, rows, checker, target };
  }

  /**
   * Refuses, as it is read, a record whose row cannot be written (a character the encoding lacks): encoding its
   * row throws then. The row itself is
   * thrown away, and so is the checker's note of skipped properties: both come again when the batch is written.
   */
  @CheckRecord
  checkRecord({ streamState, message, receivedAt, line }: EncodeContext<CsvConfig, StreamOutput>): void {
    if (!this.checksRows) return; // the default settings: nothing to refuse
    const checker = streamState.checker!;
    checker.encode(message, receivedAt, receivedAt, line);
    checker.takeExtras();
  }

  /**
   * Rows are made from the lines as read, on two threads at once: the row-writing thread (RowWriter) appends the
   * first part of the batch while this thread encodes the rest, which it appends after; then the file is fsynced.
   */
  @ExportBatch
  async write(context: BatchContext<CsvConfig, StreamOutput>) {
    const {
      config,
      logger,
      stream,
      lineBytes,
      lineNumbers,
      receivedAt,
      batchedAt,
      streamState: output,
    } = context;
    const file = await this.fileFor(stream, output, config, logger);
    const batch = { lines: lineBytes!, lineNumbers, receivedAt, batchedAt: batchedAt.getTime() };
    const split = Math.ceil(lineNumbers.length * (1 - MAIN_THREAD_SHARE));
    let extras: ExtraReport | undefined;
    await file.appendWith(async (fd) => {
      const threadDone = this.writer!.write({ ...batch, stream, fd, count: split });
      const rest: Buffer[] = [];
      let ownExtras: ExtraReport | undefined;
      try {
        encodeRows(batch, output.rows, this.encoding, split, lineNumbers.length, (piece) =>
          rest.push(Buffer.from(piece)),
        );
      } finally {
        // Taken even on failure, as the thread does, so no note outlives its batch.
        ownExtras = output.rows.takeExtras();
        // Even when this share failed, the thread's write must end before the file is cut back.
        await threadDone.catch(() => undefined);
      }
      const thread = await threadDone;
      let written = thread.written;
      // A few MB into the page cache: a blocking write is shorter than a round trip through the thread pool.
      for (const piece of rest) {
        writeFully(fd, piece);
        written += piece.length;
      }
      extras = mergeExtras(thread.extras, ownExtras);
      return written;
    });
    if (extras !== undefined) {
      const { records, names, firstLine } = extras;
      logger.warn(
        { stream, records, properties: names, line: firstLine },
        `Stream ${JSON.stringify(stream)}: ${records} record(s) from input line ${firstLine} on have nested ` +
          `properties outside the schema (${names.join(', ')}); with flattening those values were not written. ` +
          'Add the properties to the SCHEMA message to keep them, or turn off flattening_enabled to keep ' +
          'objects whole.',
      );
    }
  }

  /** The files each stream went to, as the user would type them (relative to the working folder when inside it). */
  @DescribeOutput
  where({ stream }: DescribeOutputContext<CsvConfig>): string[] {
    return (this.written.get(stream) ?? []).map((path) => {
      const shown = relative(process.cwd(), path);
      return shown.startsWith('..') || isAbsolute(shown) ? path : shown;
    });
  }

  @AfterProcess
  async close(): Promise<void> {
    await this.writer?.close();
    for (const target of this.files) await target.file?.close();
  }

  @TestConnection
  async check({ config }: ProcessContext<CsvConfig>): Promise<string> {
    const outputDir = resolve(config.outputPath);
    await makeDirectory(outputDir, 'output_path');
    const probe = join(outputDir, `.dest-csv-probe-${process.pid}`);
    const handle = await open(probe, 'wx');
    try {
      await handle.writeFile('probe');
      await handle.sync();
    } finally {
      await handle.close();
      await unlink(probe);
    }
    return `output_path ${outputDir} exists and is writable (created, fsynced and removed a probe file)`;
  }

  /** The open file whose header matches the stream's current columns, opening (or moving to) a part as needed. */
  private async fileFor(
    stream: string,
    output: StreamOutput,
    config: CsvConfig,
    logger: Logger,
  ): Promise<CsvFile> {
    const { columns } = output.plan;
    const target = output.target;
    if (target.file !== undefined && sameColumns(target.fileColumns, columns)) return target.file;
    const header = config.header ? this.encoder.header(columns) : '';
    if (this.encoding.firstUnrepresentable(header) >= 0) {
      throw new CsvError(
        'ERR_CSV_UNENCODABLE',
        `Stream ${JSON.stringify(stream)}: a column name cannot be written in encoding ${config.encoding}. ` +
          'Set encoding to "utf-8".',
      );
    }
    const format = {
      prefix: Buffer.concat([this.encoding.bom, this.encoding.encode(header)]),
      terminator: this.encoding.encode(config.lineTerminator),
    };
    const previous = target.file;
    const fromPart = previous === undefined ? 1 : previous.part + 1;
    await previous?.close();
    target.file = undefined;
    const replace = previous === undefined && config.overwriteBehavior === 'replace_file';
    const file = await CsvFile.open(target.basePath, fromPart, format, replace);
    target.file = file;
    target.fileColumns = columns;
    this.written.set(stream, [...(this.written.get(stream) ?? []), file.path]);
    this.namer.claim(stream, file.path);
    for (const busy of file.busyParts) {
      logger.warn(
        { stream, file: file.path, busy: busy.path, pid: busy.pid, host: busy.host },
        `Stream ${JSON.stringify(stream)}: ${relative(this.namer.outputDir, busy.path)} is being written by ` +
          `another process (pid ${busy.pid ?? '?'} on ${busy.host}); this run writes ` +
          `${relative(this.namer.outputDir, file.path)}. If that process is gone, remove ${lockPathOf(busy.path)}.`,
      );
    }
    if (previous !== undefined || file.skippedOtherHeader) {
      const why =
        previous !== undefined ? 'the schema changed the columns' : 'the existing file has another header';
      logger.warn(
        { stream, file: file.path, part: file.part },
        `Stream ${JSON.stringify(stream)}: ${why}; continuing in ${relative(this.namer.outputDir, file.path)}.`,
      );
    }
    return file;
  }
}
