import { open, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  AfterProcess,
  BeforeProcess,
  OneStreamTable,
  DescribeOutput,
  Destination,
  EncodeWith,
  ExportBatch,
  OnSchema,
  SdcValues,
  TestConnection,
  type DescribeOutputContext,
  type EncodedBatchContext,
  type EncoderFactsContext,
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
import { METADATA_COLUMNS, mergeExtras, type ExtraReport } from './row-encoder';
import { CSV_ROWS, type RowFacts } from './row-encoding';
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
  target: StreamFile;
}

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
  // A batch is held as the lines were read, encoded on the SDK's encode threads while the next fills, and written:
  // with two threads, 10 MB batches kept both busy and peak memory near 200 MB; 100 MB batches were 10% slower
  // and peaked at 350 MB.
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
  /** The metadata values (add_record_metadata); its run start is shared with the encode threads. */
  private metadata: SdcValues | undefined;
  /** The `table` setting's rule: it names the file of the input's one stream. */
  private oneStreamTable: OneStreamTable | undefined;

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
    this.metadata = config.addRecordMetadata ? new SdcValues() : undefined;
    if (mode !== 'process') return;
    await makeDirectory(outputDir, 'output_path');
  }

  @OnSchema
  schema({
    stream,
    schema,
    config,
    logger,
    line,
    changed,
    state,
  }: SchemaContext<CsvConfig, StreamOutput>): StreamOutput {
    if (!changed && state !== undefined) return state;
    const flattening = { enabled: config.flatteningEnabled, maxDepth: config.flatteningMaxDepth };
    const plan = planColumns(schema, flattening, config.addRecordMetadata ? METADATA_COLUMNS : [], stream);
    // The SDK exported the stream's records before a changed SCHEMA; a different header starts a new part.
    if (state !== undefined) return { plan, target: state.target };
    this.oneStreamTable ??= new OneStreamTable(config.table, 'file');
    const table = this.oneStreamTable.nameFor(stream, line);
    const basePath = this.namer.pathFor(table ?? stream);
    this.namer.claim(stream, basePath);
    const target: StreamFile = { basePath, file: undefined, fileColumns: [] };
    this.files.add(target);
    logger.info({ stream, file: basePath }, `stream ${JSON.stringify(stream)} is written to ${basePath}`);
    return { plan, target };
  }

  /**
   * What the SDK's encode stage builds the stream's row encoder from (see row-encoding.ts). A row the encoding
   * cannot hold (a character latin-1 or ASCII lacks) is refused by its line before the batch is written.
   */
  @EncodeWith(CSV_ROWS)
  rowFacts({ config, streamState }: EncoderFactsContext<CsvConfig, StreamOutput>): RowFacts {
    return {
      plan: streamState.plan,
      dialect: this.encoder.dialect,
      encoding: config.encoding,
      escapeFormulas: config.escapeFormulas,
      runStartedAtUs: this.metadata?.runStartedAtUs,
    };
  }

  /** Appends the batch's rows (encoded by the SDK's encode stage) to the stream's file, then fsyncs it. */
  @ExportBatch
  async write(context: EncodedBatchContext<CsvConfig, StreamOutput, ExtraReport>) {
    const { config, logger, stream, encoded, notes, streamState: output } = context;
    const file = await this.fileFor(stream, output, config, logger);
    // Rows come as UTF-8, each chunk whole rows; other encodings convert chunk by chunk (rare settings).
    const utf8 = this.encoding.name === 'utf-8' || this.encoding.name === 'utf-8-sig';
    await file.appendWith(async (fd) => {
      let written = 0;
      // A few MB into the page cache: a blocking write is shorter than a round trip through the thread pool.
      for (const chunk of encoded) {
        const bytes = utf8 ? chunk : this.encoding.encode(chunk.toString('utf8'));
        writeFully(fd, bytes);
        written += bytes.length;
      }
      return Promise.resolve(written);
    });
    const extras = notes.reduce<ExtraReport | undefined>(
      (merged, note) => mergeExtras(merged, note),
      undefined,
    );
    if (extras !== undefined) {
      const { records, names, firstLine } = extras;
      logger.warn(
        { stream, records, properties: names, line: firstLine },
        `Stream ${JSON.stringify(stream)}: ${records} record(s) from input ${context.describeLine(firstLine)} on have nested ` +
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
