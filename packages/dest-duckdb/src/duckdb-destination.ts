import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  activateVersionSql,
  AfterProcess,
  BeforeProcess,
  DescribeOutput,
  Destination,
  EncodeWith,
  ExportBatch,
  inTransaction,
  NameClaims,
  OnActivateVersion,
  OnSchema,
  quoteIdent,
  quoteText,
  SdcValues,
  TestConnection,
  type ActivateVersionContext,
  type AfterProcessContext,
  type DescribeOutputContext,
  type EncodedBatchContext,
  type EncoderFactsContext,
  type ProcessContext,
  type SchemaContext,
} from '@singer-dest/sdk';
import { widerType } from './column-types';
import { databaseFileOf, DuckDbConfig } from './config';
import { CSV_ROWS, inRows, type CsvRowFacts, type CsvRowNotes } from './csv-rows';
import { DuckDbDestinationError } from './errors';
import {
  collision,
  marksKeyOnlyDeletes,
  streamTableOf,
  tableNameOf,
  type StreamColumn,
  type StreamTable,
} from './stream-table';
import { alterTypeSql, ensureTable, loadStatements, readCsvSql, type BatchLoad } from './table-sql';

/**
 * DuckDB's own memory: its buffer pool (blocks of the file, the staged batch) stays under this, not 80% of RAM
 * (see README). Not lower: one 50 MB value being staged and cast takes ~200 MB of it (128MB failed to load one).
 */
const MEMORY_LIMIT = '1GB';

/**
 * One DuckDB thread: the load of a batch overlaps the reading of the next, so on two cores the main thread
 * (parse, validate, encode) has one core and DuckDB the other. With a thread a core DuckDB's two fought the main
 * thread for the same two cores: 1M bench records took ~19 s CPU and 21-24 s wall against ~21 s and 27-30 s
 * (README: Performance).
 */
const THREADS = '1';

/**
 * A Singer destination that loads DuckDB: one table per stream, each flush one transaction (the batch's CSV
 * rows read by DuckDB's read_csv and inserted, or staged, deduplicated and upserted by key),
 * committed to the WAL before the SDK writes the STATE that covers it.
 *
 * @example
 * ```ts
 * import { runCli } from '@singer-dest/sdk';
 * runCli(DuckDbDestination); // npx dest-duckdb < tap-output.singer   (writes ./output.duckdb)
 * ```
 */
@Destination({
  name: 'dest-duckdb',
  version: '0.1.0',
  description:
    'Loads DuckDB (an embedded warehouse in one file): one transaction per batch, upserts, Parquet.',
  config: DuckDbConfig,
  capabilities: ['target-schema', 'hard-delete', 'soft-delete', 'activate-version'],
  // A JSON column takes any JSON value (an array where the schema says object is loaded, and reported).
  jsonColumnsHoldAnyJson: true,
  // 48 MiB batches: a stream's batch then holds a DuckDB row group (122,880 rows of ~330 B), which DuckDB writes
  // to the file once; smaller commits go through its WAL and are checkpointed again (README: Performance).
  maxBatchMb: 48,
  // The README's first lines; test/cli/help-examples.test.ts keeps them equal.
  examples: [
    'npx dest-duckdb < tap-output.singer > state.json   # loads ./output.duckdb, tables in schema "main"',
    'npx dest-duckdb --config config.json --test-connection   # opens the file, prints the DuckDB version',
    'DEST_DUCKDB_PATH=warehouse.duckdb DEST_DUCKDB_PARQUET_PATH=parquet npx dest-duckdb < tap-output.singer',
  ],
})
export class DuckDbDestination {
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;
  /** Where each batch's CSV rows are written for DuckDB to read (removed at the end of the run). */
  private batchDir: string | undefined;
  private readonly tables = new NameClaims(
    collision((a, b, name) => `Streams "${a}" and "${b}" both map to table ${name}`),
  );
  private readonly sdc = new SdcValues();

  /** Runs one statement (what the SDK's inTransaction takes). */
  private readonly run = (sql: string) => this.db.run(sql);

  private get db(): DuckDBConnection {
    if (this.connection === undefined)
      throw new Error('the database is not open (@BeforeProcess did not run)');
    return this.connection;
  }

  /** Opens the file before any input is read, so a lock held by another process fails the run at once. */
  @BeforeProcess
  async open({ config, mode }: ProcessContext<DuckDbConfig>): Promise<void> {
    const file = resolve(databaseFileOf(config));
    // DuckDB's bindings load here, not at import: --about, --show-templates and --version never need them.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    try {
      this.instance = await DuckDBInstance.create(file, {
        memory_limit: MEMORY_LIMIT,
        threads: THREADS,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const hint = /lock/i.test(reason)
        ? 'Another process (another run, or a DuckDB shell) has it open: wait for it or close it, or set path to another file.'
        : 'Check that the directory exists and is writable, or set path to another file.';
      throw new DuckDbDestinationError(
        'ERR_DUCKDB_OPEN_FAILED',
        `Cannot open the DuckDB file ${file}: ${reason}. ${hint}`,
      );
    }
    this.connection = await this.instance.connect();
    await this.connection.run("SET TimeZone = 'UTC'");
    if (mode === 'process') this.batchDir = await mkdtemp(join(tmpdir(), 'dest-duckdb-'));
  }

  @OnSchema
  async schema(context: SchemaContext<DuckDbConfig, StreamTable>): Promise<StreamTable> {
    const { stream, schema, keyProperties, config, changed, state } = context;
    if (!changed && state !== undefined) return state; // a re-sent SCHEMA: same table, batch kept
    const layout = streamTableOf(stream, schema, keyProperties, config);
    this.tables.claim(layout.qualified, stream);
    const types = await ensureTable(this.db, layout.schema, layout.table, layout.columns);
    for (const column of layout.columns) column.type = types.get(column.name) ?? column.type;
    // A later SCHEMA of an overwrite stream must not empty the table again.
    layout.overwrite &&= state?.overwrite ?? true;
    return layout;
  }

  /** Records become CSV rows in the SDK's encode stage (on its worker threads), from these facts. */
  @EncodeWith(CSV_ROWS)
  rowFacts({ streamState, config }: EncoderFactsContext<DuckDbConfig, StreamTable>): CsvRowFacts {
    const { columns, keys } = streamState;
    const keyOnlyOf = marksKeyOnlyDeletes(streamState, config.hardDelete) ? keys : undefined;
    return { columns, keyOnlyOf, runStartedAtUs: this.sdc.runStartedAtUs };
  }

  /**
   * Loads one batch in one transaction: DuckDB reads the batch's CSV rows (read_csv) into the table, or into a
   * staging table that is deduplicated and upserted by key. A number its column cannot hold exactly (beyond its
   * bounds or multipleOf, which the SDK loads by default, or DECIMAL(38,9)) widens the column first to a type
   * that holds it (a wider DECIMAL, HUGEINT, else VARCHAR text), as the encoder noted. Nothing is rounded.
   */
  @ExportBatch
  async write(context: EncodedBatchContext<DuckDbConfig, StreamTable, CsvRowNotes>): Promise<void> {
    const table = context.streamState;
    const { qualified, columns } = table;
    const widened = new Map<StreamColumn, { line: number; reason: string }>();
    for (const note of context.notes) {
      for (const [name, { type, line, reason }] of Object.entries(note.widened)) {
        const column = columns.find((c) => c.name === name)!;
        const wider = widerType(column.type, type);
        if (wider !== column.type && !widened.has(column)) widened.set(column, { line, reason });
        column.type = wider;
      }
    }
    const file = join(this.batchDir!, `batch-${context.batchNumber}.csv`);
    const load: BatchLoad = {
      file,
      qualified,
      columns,
      keys: table.keys,
      upsert: table.upsert,
      hardDelete: context.config.hardDelete,
      keyOnlyFlag: marksKeyOnlyDeletes(table, context.config.hardDelete),
      longestRow: Math.max(0, ...context.notes.map((n) => n.longestRow)),
      batchedAt: context.batchedAt,
    };
    try {
      await writeFile(file, context.encoded);
      await inTransaction(this.run, async () => {
        for (const column of widened.keys())
          await this.db.run(alterTypeSql(qualified, column.name, column.type));
        if (table.overwrite) await this.db.run(`DELETE FROM ${qualified}`);
        for (const sql of loadStatements(load)) await this.db.run(sql);
      });
    } catch (error) {
      throw await this.loadError(error, context, load);
    } finally {
      await rm(file, { force: true });
    }
    table.overwrite = false;
    for (const [column, { line, reason }] of widened) {
      context.logger.warn(
        { stream: context.stream, column: column.name, line, type: column.type },
        `Column ${column.name} of ${qualified} is now ${column.type}: input ${context.describeLine(line)} has ` +
          `a number with more digits than its type holds (${reason}). Values are kept exactly.`,
      );
    }
  }

  /**
   * The error of a failed load, naming where the record it failed on was read (the BATCH line, file and line of
   * a batch file's record): the row DuckDB's CSV reader names, or the first whose value a cast refuses.
   */
  private async loadError(
    error: unknown,
    context: EncodedBatchContext<DuckDbConfig, StreamTable, CsvRowNotes>,
    load: BatchLoad,
  ): Promise<DuckDbDestinationError> {
    // DuckDB's messages quote the whole row ("Original Line: ...") or the SQL: keep their first lines, never a record.
    const message = (error instanceof Error ? error.message : String(error)).replace(
      /CSV Error on Line: \d+/,
      '',
    );
    const reason = message
      .split('\n')
      .filter((l) => !/^\s*\^?\s*$|^(Original Line|LINE \d)/.test(l))
      .slice(0, 2)
      .join(' ')
      .slice(0, 300)
      .replace(/ at$/, '');
    const row = /CSV Error on Line: (\d+)/.exec(error instanceof Error ? error.message : '');
    let line = row === null ? undefined : context.lineNumbers[Number(row[1]) - 1];
    if (line === undefined) {
      const bad = load.columns
        .filter(inRows)
        .map(
          (c) =>
            `(${quoteIdent(c.name)} IS NOT NULL AND TRY_CAST(${quoteIdent(c.name)} AS ${c.type}) IS NULL)`,
        )
        .join(' OR ');
      const found = await this.db
        .runAndReadAll(`SELECT min(_sdc_row) FROM ${readCsvSql(load, true)} WHERE ${bad}`)
        .catch(() => undefined);
      const place = found?.getRows()[0]?.[0];
      line = place === null || place === undefined ? undefined : Number(place);
    }
    const where =
      line === undefined
        ? `input ${context.describeLine(context.firstLine)} to ${context.describeLine(context.lastLine)}`
        : `the record at input ${context.describeLine(line)}`;
    return new DuckDbDestinationError(
      'ERR_DUCKDB_LOAD_FAILED',
      `${reason.trim()} while loading ${where} into ${load.qualified}. The transaction was rolled back: no row of ` +
        'this batch was written.',
      { stream: context.stream, line },
      { cause: error },
    );
  }

  /** ACTIVATE_VERSION: rows of older versions (or none) are deleted (hard_delete) or marked in _sdc_deleted_at. */
  @OnActivateVersion
  async activate(context: ActivateVersionContext<DuckDbConfig, StreamTable>): Promise<void> {
    const { stream, version, config, logger, streamState } = context;
    if (!config.activateVersion)
      return logger.info({ stream, version }, 'ACTIVATE_VERSION ignored (activate_version is false)');
    const { qualified } = streamState;
    await inTransaction(this.run, async () => {
      if (!config.hardDelete)
        await this.db.run(`ALTER TABLE ${qualified} ADD COLUMN IF NOT EXISTS _sdc_deleted_at TIMESTAMPTZ`);
      await this.db.run(activateVersionSql(qualified, version, config.hardDelete));
    });
  }

  @TestConnection
  async check({ config }: ProcessContext<DuckDbConfig>): Promise<string> {
    const version = (await this.db.runAndReadAll('SELECT version()')).getRows()[0]?.[0];
    return `opened ${resolve(databaseFileOf(config))} with DuckDB ${String(version)}`;
  }

  @DescribeOutput
  where({ stream, config }: DescribeOutputContext<DuckDbConfig>): string {
    return `${tableNameOf(stream, config).qualified} in ${resolve(databaseFileOf(config))}`;
  }

  /** After a successful run, writes each stream's table as Parquet (parquet_path); always closes the database. */
  @AfterProcess
  async close({ config, error, summary, logger }: AfterProcessContext<DuckDbConfig>): Promise<void> {
    try {
      const dir = config.parquetPath;
      if (dir === undefined || error !== undefined || summary.stoppedBy !== 'end-of-input') return;
      await mkdir(dir, { recursive: true });
      for (const stream of Object.keys(summary.records)) {
        const { schema, table, qualified } = tableNameOf(stream, config);
        const by = config.parquetPartitionBy?.toLowerCase();
        const columns = await this.db.runAndReadAll(
          'SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3',
          [schema, table, by ?? ''],
        );
        const partitioned = by !== undefined && columns.currentRowCount > 0;
        const path = resolve(dir, partitioned ? table : `${table}.parquet`);
        const options = partitioned ? `, PARTITION_BY (${quoteIdent(by)}), OVERWRITE_OR_IGNORE` : '';
        await this.db.run(`COPY ${qualified} TO ${quoteText(path)} (FORMAT parquet${options})`);
        logger.info({ table: qualified, path }, 'wrote Parquet');
      }
    } finally {
      this.connection?.closeSync();
      this.instance?.closeSync();
      if (this.batchDir !== undefined) await rm(this.batchDir, { recursive: true, force: true });
    }
  }
}
