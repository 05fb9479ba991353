import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  AfterProcess,
  BeforeProcess,
  DescribeOutput,
  Destination,
  isKeyOnlyDelete,
  ExportBatch,
  NameClaims,
  OnActivateVersion,
  OnSchema,
  SdcValues,
  TestConnection,
  type ActivateVersionContext,
  type AfterProcessContext,
  type RecordBatchContext,
  type DescribeOutputContext,
  type ProcessContext,
  type SchemaContext,
} from '@singer-dest/sdk';
import { fillsKeyOnly, loadStatements, STAGE, stageTableSql, type BatchPlan } from './batch-sql';
import { ChunkRows, stageTypeOf } from './chunk-rows';
import { misfitOf, typeHolding } from './column-types';
import { databaseFileOf, DuckDbConfig } from './config';
import { DuckDbDestinationError } from './errors';
import { collision, streamTableOf, tableNameOf, type StreamTable } from './stream-table';
import { ensureTable, inTransaction, quoteIdent, quoteText, widerType } from './table-sql';

/**
 * DuckDB's own memory: its buffer pool (blocks of the file, the staged batch) stays under this, not 80% of RAM
 * (see README). Not lower: one 50 MB value being staged and cast takes ~200 MB of it (128MB failed to load one).
 */
const MEMORY_LIMIT = '1GB';

/**
 * A Singer destination that loads DuckDB: one table per stream, each flush one transaction (the batch's rows
 * appended to a staging table as DuckDB data chunks, then inserted, or deduplicated and upserted by key),
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
  // Batches of 16 MiB: loading one overlaps reading the next, and memory stays low (README: Performance).
  maxBatchMb: 16,
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
  private readonly tables = new NameClaims(
    collision((a, b, name) => `Streams "${a}" and "${b}" both map to table ${name}`),
  );
  private readonly sdc = new SdcValues();

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
      this.instance = await DuckDBInstance.create(file, { memory_limit: MEMORY_LIMIT });
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
  }

  @OnSchema
  async schema(context: SchemaContext<DuckDbConfig, StreamTable>): Promise<StreamTable> {
    const { stream, schema, keyProperties, config, changed, state } = context;
    if (!changed && state !== undefined) return state; // a re-sent SCHEMA: same table, batch kept
    const layout = streamTableOf(stream, schema, keyProperties, config, this.sdc);
    this.tables.claim(layout.qualified, stream);
    const types = await ensureTable(this.db, layout.schema, layout.table, layout.columns);
    for (const column of layout.columns) column.type = types.get(column.name) ?? column.type;
    // A later SCHEMA of an overwrite stream must not empty the table again.
    layout.overwrite &&= state?.overwrite ?? true;
    return layout;
  }

  /**
   * Loads one batch in one transaction: the rows into a staging table, then insert, or dedupe and upsert by key.
   * A number its column cannot hold exactly (one breaking the schema's bounds or multipleOf, which the SDK loads
   * by default, or beyond DECIMAL(38,9)) widens the column to a type holding it (a wider DECIMAL, HUGEINT, else
   * VARCHAR text): staging stops, the transaction rolls back and starts again with the wider type, which later
   * batches keep (a column widens a few times at most). Nothing is rounded.
   */
  @ExportBatch
  async write(context: RecordBatchContext<DuckDbConfig, StreamTable>): Promise<void> {
    const table = context.streamState;
    const { qualified } = table;
    const widened = new Map<string, { line: number; reason: string }>();
    try {
      for (;;) {
        const types = table.columns.map((c) => c.type);
        const done = await inTransaction(this.db, async () => {
          for (const name of widened.keys()) {
            const type = table.columns.find((c) => c.name === name)!.type;
            await this.db.run(`ALTER TABLE ${qualified} ALTER ${quoteIdent(name)} TYPE ${type}`);
          }
          if (table.overwrite) await this.db.run(`DELETE FROM ${qualified}`);
          const plan = this.planOf(table, types, context.config.hardDelete);
          await this.db.run(stageTableSql(plan));
          if (!(await this.stageRows(context, types, widened, fillsKeyOnly(plan)))) return false;
          for (const sql of loadStatements(plan)) await this.db.run(sql);
          return true;
        });
        if (done) break;
      }
      table.overwrite = false;
      for (const [name, { line, reason }] of widened) {
        const type = table.columns.find((c) => c.name === name)!.type;
        context.logger.warn(
          { stream: context.stream, column: name, line, type },
          `Column ${name} of ${qualified} is now ${type}: input line ${line} has a number with more digits ` +
            `than its type holds (${reason}). Values are kept exactly.`,
        );
      }
    } catch (error) {
      // DuckDB's conversion errors may quote a value: keep only the first lines, never a record.
      const message = error instanceof Error ? error.message : String(error);
      const lines = message.split('\n').filter((l) => l.trim() !== '');
      throw new DuckDbDestinationError(
        'ERR_DUCKDB_LOAD_FAILED',
        `${lines.slice(0, 2).join(' ').slice(0, 300)} while loading input lines ${context.firstLine}-${context.lastLine} ` +
          `into ${qualified}. The transaction was rolled back: no row of this batch was written.`,
        { stream: context.stream },
        { cause: error },
      );
    }
  }

  /** What a flush of `table` runs, its columns staged for `types`. */
  private planOf(table: StreamTable, types: readonly string[], hardDelete: boolean): BatchPlan {
    const kept = (name: string) =>
      table.keys.includes(name) || name === '_sdc_deleted_at'
        ? 'none'
        : name.startsWith('_sdc_')
          ? 'row-unless-set'
          : 'row';
    return {
      qualified: table.qualified,
      columns: table.columns.map((c, i) => ({
        name: quoteIdent(c.name),
        type: types[i]!,
        staged: stageTypeOf(types[i]!).sql,
        kept: kept(c.name),
      })),
      keys: table.keys.map(quoteIdent),
      upsert: table.upsert,
      hardDelete,
    };
  }

  /**
   * Appends the batch's rows, each with its input line (last wins) and key-only-delete flag, to the staging
   * table. False when a value does not fit its column's type: the column is widened (in `table` and `widened`)
   * and the batch must be staged again.
   */
  private async stageRows(
    context: RecordBatchContext<DuckDbConfig, StreamTable>,
    types: readonly string[],
    widened: Map<string, { line: number; reason: string }>,
    flagKeyOnly: boolean,
  ): Promise<boolean> {
    const { columns } = context.streamState;
    const stage = types.map(stageTypeOf);
    const appender = await this.db.createAppender(STAGE, 'main', 'temp');
    try {
      const extra = [stageTypeOf('BIGINT'), ...(flagKeyOnly ? [stageTypeOf('BOOLEAN')] : [])];
      const rows = new ChunkRows(appender, [...stage, ...extra]);
      const keys = new Set(context.keyProperties);
      const batchedAt = context.batchedAt.getTime();
      let i = 0;
      for (const message of context.eachMessage()) {
        const line = context.lineNumbers[i]!;
        const facts = { message, receivedAt: context.receivedAt[i]!, batchedAt, line };
        for (let c = 0; c < columns.length; c++) {
          const column = columns[c]!;
          const value = column.valueOf(facts);
          const misfit = column.checked ? misfitOf(value, types[c]!) : undefined;
          if (misfit !== undefined) {
            // Monotone: the wider type holds every value the narrower one did, in this batch and the table.
            column.type = widerType(types[c]!, typeHolding(value as number));
            widened.set(column.name, { line, reason: misfit });
            return false;
          }
          rows.set(c, value);
        }
        rows.set(columns.length, line);
        if (flagKeyOnly) rows.set(columns.length + 1, isKeyOnlyDelete(message.record, keys));
        rows.endRow();
        i++;
      }
      rows.flush();
      appender.flushSync();
      return true;
    } finally {
      appender.closeSync();
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
    }
  }
}
