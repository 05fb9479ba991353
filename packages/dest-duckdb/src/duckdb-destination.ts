import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  AfterProcess,
  BeforeProcess,
  Destination,
  EncodeRecord,
  ExportBatch,
  NameClaims,
  OnActivateVersion,
  OnSchema,
  SdcValues,
  TestConnection,
  type ActivateVersionContext,
  type AfterProcessContext,
  type BatchContext,
  type EncodeContext,
  type ProcessContext,
  type SchemaContext,
} from '@singer-dest/sdk';
import { csvFieldOf, misfitOf } from './column-types';
import { databaseFileOf, DuckDbConfig } from './config';
import { DuckDbDestinationError } from './errors';
import { streamTableOf, tableCollision, type StreamTable } from './stream-table';
import { ensureTable, inTransaction, quoteIdent, quoteText } from './table-sql';

/**
 * A Singer destination that loads DuckDB: one table per stream, each flush one transaction (DuckDB's own CSV
 * reader over the batch's encoded rows, then insert or upsert), committed to the WAL before the SDK writes the
 * STATE that covers it.
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
})
export class DuckDbDestination {
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;
  private batchDir = '';
  private readonly streams = new Map<string, StreamTable>();
  private readonly tables = new NameClaims(tableCollision);
  private readonly sdc = new SdcValues();
  /** The longest CSV line encoded so far (UTF-16 units), for read_csv's line limit (2 MB unless raised). */
  private longestLine = 0;

  private get db(): DuckDBConnection {
    if (this.connection === undefined)
      throw new Error('the database is not open (@BeforeProcess did not run)');
    return this.connection;
  }

  /** Opens the file before any input is read, so a lock held by another process fails the run at once. */
  @BeforeProcess
  async open({ config }: ProcessContext<DuckDbConfig>): Promise<void> {
    const file = resolve(databaseFileOf(config));
    try {
      this.instance = await DuckDBInstance.create(file);
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
    this.batchDir = await mkdtemp(join(tmpdir(), 'dest-duckdb-'));
  }

  @OnSchema
  async schema(context: SchemaContext<DuckDbConfig, StreamTable>): Promise<StreamTable> {
    const { stream, schema, keyProperties, config, changed, state } = context;
    if (!changed && state !== undefined) return state; // a re-sent SCHEMA: same table, batch kept
    const layout = streamTableOf(stream, schema, keyProperties, config, this.sdc);
    this.tables.claim(layout.qualified, stream);
    const batchedAt =
      config.addRecordMetadata || config.hardDelete ? [{ name: '_sdc_batched_at', type: 'TIMESTAMPTZ' }] : [];
    const types = await ensureTable(this.db, layout.schema, layout.table, [...layout.columns, ...batchedAt]);
    for (const column of layout.columns) column.type = types.get(column.name) ?? column.type;
    // A later SCHEMA of an overwrite stream must not empty the table again.
    layout.overwrite &&= state?.overwrite ?? true;
    this.streams.set(stream, layout); // the latest layout of each stream, for the Parquet export
    return layout;
  }

  /** One CSV line per record, as it is read: a value no column type holds exactly is refused here, by line. */
  @EncodeRecord
  encode(context: EncodeContext<DuckDbConfig, StreamTable>): string {
    let line = '';
    const table = context.streamState;
    for (const column of table.columns) {
      const value = column.valueOf(context);
      const misfit = misfitOf(value, column.type);
      if (misfit !== undefined && column.widensToText) {
        // Monotone, so safe for batches already encoded: VARCHAR takes the text of any number.
        column.type = 'VARCHAR';
        table.toText.set(column.name, context.line);
      } else if (misfit !== undefined) {
        throw new DuckDbDestinationError(
          'ERR_DUCKDB_VALUE_DOES_NOT_FIT',
          `property "${column.label}": ${misfit}`,
          { line: context.line, stream: context.stream },
        );
      }
      line += `${csvFieldOf(value, column.type)},`;
    }
    if (line.length > this.longestLine) this.longestLine = line.length;
    return `${line}${context.line}\n`;
  }

  /** Loads one batch in one transaction: read_csv over the batch file, then insert, or dedupe and upsert by key. */
  @ExportBatch
  async write(context: BatchContext<DuckDbConfig, StreamTable>): Promise<void> {
    const table = context.streamState;
    const { qualified, columns, keys, upsert } = table;
    // Taken before any await: the column types of this file's read_csv and the ALTERs they need agree, however
    // the next batch's encoding (which runs while this one loads) moves on.
    const toText = [...table.toText];
    const spec = [...columns, { name: '_sdc_row', type: 'BIGINT' }].map(
      (c) => `${quoteText(c.name)}: ${quoteText(c.type)}`,
    );
    const { hardDelete } = context.config;
    const file = join(this.batchDir, `batch-${context.batchNumber}.csv`);
    await writeFile(file, context.encoded ?? []);
    // new_line is given: DuckDB would take it from the first row, and a first string holding \r\n made every
    // row after it a parse error. A line is up to 3 UTF-8 bytes per UTF-16 unit; read_csv refuses lines over 2 MB
    // unless told otherwise.
    const lineBytes = this.longestLine * 3 + 1024;
    const limits =
      lineBytes > 2_000_000 ? `, max_line_size = ${lineBytes}, buffer_size = ${2 * lineBytes}` : '';
    const source = `read_csv(${quoteText(file)}, columns = {${spec.join(', ')}}, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, new_line = '\\n'${limits})`;
    const names = columns.map((c) => quoteIdent(c.name));
    const metadata = context.config.addRecordMetadata || hardDelete;
    const target = `${qualified} (${names.join(', ')}${metadata ? ', _sdc_batched_at' : ''})`;
    const select = `SELECT ${names.join(', ')}${metadata ? `, TIMESTAMPTZ ${quoteText(context.batchedAt.toISOString())}` : ''}`;
    const match = keys
      .map((k) => `${qualified}.${quoteIdent(k)} IS NOT DISTINCT FROM s.${quoteIdent(k)}`)
      .join(' AND ');
    try {
      await inTransaction(this.db, async () => {
        for (const [name, line] of toText) {
          await this.db.run(`ALTER TABLE ${qualified} ALTER ${quoteIdent(name)} TYPE VARCHAR`);
          context.logger.warn(
            { stream: context.stream, column: name, line },
            `Column ${name} of ${qualified} is now VARCHAR: input line ${line} has a number with more digits than ` +
              'DECIMAL(38,9) holds, and the schema fixes no scale (multipleOf). Values are kept exactly as text.',
          );
        }
        if (table.overwrite) await this.db.run(`DELETE FROM ${qualified}`);
        if (!upsert && !(hardDelete && keys.length > 0))
          return void (await this.db.run(`INSERT INTO ${target} ${select} FROM ${source}`));
        const latest = upsert
          ? ` QUALIFY row_number() OVER (PARTITION BY ${keys.map(quoteIdent).join(', ')} ORDER BY _sdc_row DESC) = 1`
          : '';
        await this.db.run(`CREATE OR REPLACE TEMP TABLE _sdc_stage AS SELECT * FROM ${source}${latest}`);
        await this.db.run(
          `DELETE FROM ${qualified} USING _sdc_stage s WHERE ${match}${upsert ? '' : ' AND s._sdc_deleted_at IS NOT NULL'}`,
        );
        await this.db.run(
          `INSERT INTO ${target} ${select} FROM _sdc_stage${hardDelete ? ' WHERE _sdc_deleted_at IS NULL' : ''}`,
        );
        await this.db.run('DROP TABLE _sdc_stage');
      });
      table.overwrite = false;
      for (const [name] of toText) table.toText.delete(name);
    } catch (error) {
      // DuckDB's CSV errors quote the whole row ("Original Line: ..."): keep only the first lines, never a record.
      const message = error instanceof Error ? error.message : String(error);
      const kept = message.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Original Line'));
      const reason = kept.slice(0, 2).join(' ').slice(0, 300);
      throw new DuckDbDestinationError(
        'ERR_DUCKDB_LOAD_FAILED',
        `${reason} while loading input lines ${context.firstLine}-${context.lastLine} into ${qualified}. The transaction was rolled back: no row of this batch was written.`,
        { stream: context.stream },
        { cause: error },
      );
    } finally {
      await rm(file, { force: true });
    }
  }

  /** ACTIVATE_VERSION: rows of older versions (or none) are deleted (hard_delete) or marked in _sdc_deleted_at. */
  @OnActivateVersion
  async activate(context: ActivateVersionContext<DuckDbConfig, StreamTable>): Promise<void> {
    const { stream, version, config, logger, streamState } = context;
    if (!config.activateVersion)
      return logger.info({ stream, version }, 'ACTIVATE_VERSION ignored (activate_version is false)');
    const { qualified } = streamState;
    const old = `(_sdc_table_version IS NULL OR _sdc_table_version < ${version})`;
    await inTransaction(this.db, async () => {
      if (config.hardDelete) return void (await this.db.run(`DELETE FROM ${qualified} WHERE ${old}`));
      await this.db.run(`ALTER TABLE ${qualified} ADD COLUMN IF NOT EXISTS _sdc_deleted_at TIMESTAMPTZ`);
      await this.db.run(
        `UPDATE ${qualified} SET _sdc_deleted_at = now() WHERE _sdc_deleted_at IS NULL AND ${old}`,
      );
    });
  }

  @TestConnection
  async check({ config }: ProcessContext<DuckDbConfig>): Promise<string> {
    const version = (await this.db.runAndReadAll('SELECT version()')).getRows()[0]?.[0];
    return `opened ${resolve(databaseFileOf(config))} with DuckDB ${String(version)}`;
  }

  /** After a successful run, writes each stream's table as Parquet (parquet_path); always closes the database. */
  @AfterProcess
  async close({ config, error, summary, logger }: AfterProcessContext<DuckDbConfig>): Promise<void> {
    try {
      const dir = config.parquetPath;
      if (dir !== undefined && error === undefined && summary.stoppedBy === 'end-of-input') {
        await mkdir(dir, { recursive: true });
        for (const { qualified, table, columns } of this.streams.values()) {
          const by = config.parquetPartitionBy?.toLowerCase();
          const partitioned = by !== undefined && columns.some((c) => c.name === by);
          const path = resolve(dir, partitioned ? table : `${table}.parquet`);
          const options = partitioned ? `, PARTITION_BY (${quoteIdent(by)}), OVERWRITE_OR_IGNORE` : '';
          await this.db.run(`COPY ${qualified} TO ${quoteText(path)} (FORMAT parquet${options})`);
          logger.info({ table: qualified, path }, 'wrote Parquet');
        }
      }
    } finally {
      this.connection?.closeSync();
      this.instance?.closeSync();
      if (this.batchDir !== '') await rm(this.batchDir, { recursive: true, force: true });
    }
  }
}
