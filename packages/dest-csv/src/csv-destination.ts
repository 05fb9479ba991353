import { mkdir, open, unlink } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
  AfterProcess,
  BeforeProcess,
  Destination,
  EncodeRecord,
  ExportBatch,
  OnSchema,
  TestConnection,
  type BatchContext,
  type EncodeContext,
  type Logger,
  type ProcessContext,
  type SchemaContext,
} from '@singer-dest/sdk';
import { CsvConfig } from './config';
import { CsvEncoder } from './csv-encoder';
import { CsvError } from './csv-error';
import { CsvFile } from './csv-file';
import { formatStrftime } from './date-format';
import { FileNamer } from './file-naming';
import { planColumns, type ColumnPlan } from './flatten';
import { METADATA_COLUMNS, RowEncoder } from './row-encoder';
import { TextEncoding } from './text-encoding';

/** One stream's output: its columns (from the latest SCHEMA), their row encoder, and the file part being written. */
interface StreamOutput {
  basePath: string;
  plan: ColumnPlan;
  rows: RowEncoder;
  file: CsvFile | undefined;
  /** The columns of the open file's header. */
  fileColumns: readonly string[];
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
})
export class CsvDestination {
  private readonly streams = new Map<string, StreamOutput>();
  private namer!: FileNamer;
  private encoder!: CsvEncoder;
  private encoding!: TextEncoding;

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
    if (mode === 'process') await mkdir(outputDir, { recursive: true });
  }

  @OnSchema
  schema({ stream, schema, config, logger }: SchemaContext<CsvConfig>): void {
    const flattening = { enabled: config.flatteningEnabled, maxDepth: config.flatteningMaxDepth };
    const plan = planColumns(schema, flattening, config.addRecordMetadata ? METADATA_COLUMNS : [], stream);
    const rows = new RowEncoder({
      plan,
      encoder: this.encoder,
      encoding: this.encoding,
      escapeFormulas: config.escapeFormulas,
      addMetadata: config.addRecordMetadata,
      failOnExtra: config.extraProperties === 'fail',
    });
    const output = this.streams.get(stream);
    if (output !== undefined) {
      // The SDK exported the stream's records before this call; a different header starts a new part.
      Object.assign(output, { plan, rows });
      return;
    }
    const basePath = this.namer.pathFor(stream);
    this.namer.claim(stream, basePath);
    this.streams.set(stream, { basePath, plan, rows, file: undefined, fileColumns: [] });
    logger.info({ stream, file: basePath }, `stream ${JSON.stringify(stream)} is written to ${basePath}`);
  }

  /** Each record becomes its CSV row as it is read, so a batch is held as CSV text, not as objects. */
  @EncodeRecord
  encode({ stream, record, message, receivedAt, line }: EncodeContext<CsvConfig>): string {
    return this.streams.get(stream)!.rows.encode(record, message.time_extracted, receivedAt, line);
  }

  @ExportBatch
  async write({ config, logger, stream, encoded }: BatchContext<CsvConfig>): Promise<void> {
    const output = this.streams.get(stream)!;
    const file = await this.fileFor(stream, output, config, logger);
    await file.append(this.encoding.fromUtf8(encoded!));
    const extras = output.rows.takeExtras();
    if (extras !== undefined) {
      const { records, names, firstLine } = extras;
      logger.warn(
        { stream, records, properties: names, line: firstLine },
        `Stream ${JSON.stringify(stream)}: ${records} record(s) from input line ${firstLine} on have properties ` +
          `outside the schema (${names.join(', ')}); those values were not written. Add the properties to the ` +
          'SCHEMA message to keep them, or set extra_properties to "fail" to stop on them.',
      );
    }
  }

  @AfterProcess
  async close(): Promise<void> {
    for (const output of this.streams.values()) await output.file?.close();
  }

  @TestConnection
  async check({ config }: ProcessContext<CsvConfig>): Promise<string> {
    const outputDir = resolve(config.outputPath);
    await mkdir(outputDir, { recursive: true });
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
    if (output.file !== undefined && sameColumns(output.fileColumns, columns)) return output.file;
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
    const previous = output.file;
    const fromPart = previous === undefined ? 1 : previous.part + 1;
    await previous?.close();
    output.file = undefined;
    const replace = previous === undefined && config.overwriteBehavior === 'replace_file';
    const file = await CsvFile.open(output.basePath, fromPart, format, replace);
    output.file = file;
    output.fileColumns = columns;
    this.namer.claim(stream, file.path);
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
