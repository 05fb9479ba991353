import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  activateVersionSql,
  loadModeOf,
  SdcValues,
  type EncodedBatchContext,
  type LoadMode,
  type Logger,
} from '@singer-dest/sdk';
import type { ClientBase } from 'pg';
import { METADATA_COLUMNS, type StreamLayout } from './batch-plan';
import type { PostgresConfig } from './config';
import { PostgresDestinationError } from './errors';
import { qualify, quoteIdent, type TableName } from './identifiers';
import { keyOnlyFillStatements, mergeStatements, mergeWorkMemStatement, STAGE_TABLE } from './merge-sql';
import { describePgError, Session } from './session';
import { streamEncoderOf, type CopyLineFacts } from './copy-lines';
import { DELETE_FLAG_COLUMN, KEY_ONLY_COLUMN, ROW_COLUMN, type StreamEncoder } from './stream-encoder';
import { lockTable } from './table-locks';
import { TableManager, type TableInfo, type WantedColumn } from './table-manager';

/** Rounds of DDL then load before giving up when the table keeps losing the columns just added. */
const MAX_DDL_ATTEMPTS = 3;

/** The batch row a COPY error points at (`COPY _sdc_stage, line 3, column x: ...`), if it says. */
function copyErrorRow(error: unknown): { row: number; column: string | undefined } | undefined {
  const where = (error as { where?: unknown }).where;
  if (typeof where !== 'string') return undefined;
  const match = /COPY [^,]+, line (\d+)(?:, column ([^:]+))?/.exec(where);
  return match ? { row: Number(match[1]), column: match[2] } : undefined;
}

/**
 * Writes batches to PostgreSQL: one transaction per flush (DDL when the table lacks a column, COPY into a
 * temporary staging table, merge, COMMIT), with a bounded retry of the whole flush when the
 * connection breaks before COMMIT or PostgreSQL aborts it for a deadlock. Safe beside other dest-postgres
 * processes loading the same tables: see {@link TableManager} for the locks, docs/scale-out.md for the rules.
 *
 * @example
 * ```ts
 * const loader = new Loader(config, logger);
 * const stream = await loader.prepareStream(layout); // on SCHEMA
 * await loader.loadBatch(context, stream.encoder, { keyOnlyDeletes: false });
 * await loader.close();
 * ```
 */
export class Loader {
  private readonly session: Session;
  private readonly tables: TableManager;
  /** Overwrite: tables already emptied in this run (later flushes add to them). */
  private readonly overwritten = new Set<string>();
  /** The metadata values: one run start (the base of `_sdc_sequence`) for every stream. */
  private readonly metadata = new SdcValues();

  constructor(
    private readonly config: PostgresConfig,
    private readonly logger: Logger,
  ) {
    this.tables = new TableManager(logger);
    this.session = new Session(config, logger, () => this.tables.forgetAll());
  }

  /** Closes the connection. */
  close(): Promise<void> {
    return this.session.close();
  }

  /** The columns a stream's table gets on SCHEMA: its properties and the metadata columns. */
  private wantedOnSchema(layout: StreamLayout): WantedColumn[] {
    const wanted: WantedColumn[] = layout.properties.map(({ name, type }) => ({ name, type }));
    if (this.config.addRecordMetadata) {
      for (const [name, type] of METADATA_COLUMNS) wanted.push({ name, type });
    } else if (this.config.activateVersion) {
      wanted.push({ name: '_sdc_table_version', type: 'bigint' });
    }
    return wanted;
  }

  /**
   * On SCHEMA: creates or extends the stream's table (so a stream without records still gets one) and returns
   * the facts the encode stage builds the stream's encoder from (it needs to know which columns are jsonb), and
   * the main thread's own copy of that encoder (its columns, and the columns its batches need widened).
   */
  async prepareStream(layout: StreamLayout): Promise<{ encoder: StreamEncoder; facts: CopyLineFacts }> {
    const info = await this.session.inTransaction(
      `creating table ${qualify(layout.table.schema, layout.table.table)}`,
      (client) =>
        this.tables.ensure(client, layout.table, this.wantedOnSchema(layout), this.primaryKeyOf(layout)),
    );
    const { addRecordMetadata, activateVersion, hardDelete, sanitizeNullTextCharacters } = this.config;
    const facts: CopyLineFacts = {
      layout,
      config: { addRecordMetadata, activateVersion, hardDelete, sanitizeNullTextCharacters },
      kinds: [...info.columns].map(([name, column]) => [name, column.kind]),
      sqlTypes: [...info.columns].map(([name, column]) => [name, column.sqlType]),
      upsert: this.loadModeOf(layout).upsert,
      runStartedAtUs: this.metadata.runStartedAtUs,
    };
    return { encoder: streamEncoderOf(facts, this.logger), facts };
  }

  /**
   * Runs `work` in one transaction on a table that has every wanted column. The transaction's first statement
   * takes the table's DDL lock: exclusive when the table, as this process last read it, lacks a column (the DDL
   * then runs under the lock, after a fresh read, in the same transaction, so a failed flush rolls it back too),
   * else shared (loads run side by side) followed by a fresh read. Each transaction takes one table's lock, first,
   * so no two can wait for each other through these locks.
   */
  private async withTable(
    what: string,
    target: TableName,
    wanted: readonly WantedColumn[],
    keys: readonly string[],
    work: (client: ClientBase, info: TableInfo) => Promise<void>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const ddl = this.tables.needsDdl(target, wanted);
      const done = await this.session.inTransaction(what, async (client) => {
        const info = ddl
          ? await this.tables.ensure(client, target, wanted, keys)
          : await this.tables.pinForLoad(client, target);
        // Only after a shared read: the table lost a column since this process read it; take the DDL path.
        if (!this.tables.satisfies(info, wanted)) return false;
        await work(client, info);
        return true;
      });
      if (done) return;
      if (attempt >= MAX_DDL_ATTEMPTS)
        throw new Error(
          `the columns added to ${qualify(target.schema, target.table)} were gone again ${attempt} times in a row`,
        );
    }
  }

  /** The primary key a new table gets: the keys where rows are replaced by key (none for append-only). */
  private primaryKeyOf(layout: StreamLayout): readonly string[] {
    return this.loadModeOf(layout).upsert ? layout.keys : [];
  }

  /** How a stream's rows reach its table, from load_method and its keys (the SDK's loadModeOf). */
  private loadModeOf(layout: StreamLayout): LoadMode {
    return loadModeOf(this.config.loadMethod, layout.keys.length);
  }

  /**
   * Writes one batch (its COPY lines, encoded as the records were read) in one transaction; resolves after
   * COMMIT. Append without metadata COPYs straight into the table; everything else COPYs into a temporary
   * staging table and merges from there. `batch.keyOnlyDeletes`: the batch holds a key-only delete (its encoder's
   * notes say), so the upsert fills them in before the merge.
   */
  async loadBatch(
    context: EncodedBatchContext,
    encoder: StreamEncoder,
    batch: { keyOnlyDeletes: boolean },
  ): Promise<void> {
    const layout = encoder.layout;
    const { upsert, overwrite } = this.loadModeOf(layout);
    const mode = upsert ? 'upsert' : 'append';
    const target = layout.table;
    const targetKey = qualify(target.schema, target.table);
    const truncate = overwrite && !this.overwritten.has(targetKey);
    const lineColumns = encoder.columns;
    const wanted: WantedColumn[] = lineColumns
      .filter((c) => !c.stageOnly)
      .map((c) => ({ name: c.name, type: encoder.needsNumeric.has(c.name) ? 'numeric' : c.type }));
    const batchedAt = this.config.addRecordMetadata ? '_sdc_batched_at' : undefined;
    if (batchedAt !== undefined) wanted.push({ name: batchedAt, type: 'timestamptz' });
    const chunks = context.encoded;
    let phase = 'creating or altering';
    try {
      const work = async (client: ClientBase, info: TableInfo) => {
        phase = 'loading';
        if (truncate) {
          phase = 'emptying (overwrite)';
          await client.query(`TRUNCATE ${targetKey}`);
        }
        const list = lineColumns.map((c) => quoteIdent(c.name)).join(', ');
        // Columns this process encodes as plain values but the table holds as jsonb (widened by another process).
        const toJsonb = lineColumns
          .filter((c) => !c.stageOnly && !c.json && info.columns.get(c.name)?.kind === 'jsonb')
          .map((c) => c.name);
        // A timestamp-without-zone column goes through the staging table as timestamptz: the cast converts to UTC.
        const needsCast =
          toJsonb.length > 0 || lineColumns.some((c) => info.columns.get(c.name)?.kind === 'timestamp');
        if (mode === 'append' && batchedAt === undefined && !needsCast) {
          phase = 'COPY into';
          await this.copy(client, `COPY ${targetKey} (${list}) FROM STDIN`, chunks);
          phase = 'committing';
          return;
        }
        const uniqueIndex = info.uniqueKeys.some(
          (cols) => cols.length === layout.keys.length && layout.keys.every((k) => cols.includes(k)),
        );
        // Delete-then-insert by key is not safe beside another process doing the same: one at a time per table.
        // Taken before the table is touched, so it never waits while holding a lock on the table.
        if (mode === 'upsert' && !uniqueIndex)
          await lockTable(client, target, 'table-merge', { shared: false });
        phase = 'creating the staging table for';
        const stageColumns = lineColumns.map(
          (c) => `${quoteIdent(c.name)} ${encoder.needsNumeric.has(c.name) ? 'numeric' : c.stageType}`,
        );
        // A temporary table: private to this connection, so processes loading the same table never share one.
        // An upsert's merge sorts the staged rows by key: enough work_mem for that (one round trip for both).
        const createStage = `CREATE TEMP TABLE ${quoteIdent(STAGE_TABLE)} (${stageColumns.join(', ')}) ON COMMIT DROP`;
        await client.query(
          mode === 'upsert'
            ? `${createStage}; ${mergeWorkMemStatement(chunks.reduce((sum, c) => sum + c.length, 0))}`
            : createStage,
        );
        phase = 'COPY into the staging table for';
        await this.copy(client, `COPY ${quoteIdent(STAGE_TABLE)} (${list}) FROM STDIN`, chunks);
        phase = 'merging into';
        // Looking for key-only deletes scans the staging table: only for a batch that holds one.
        if (batch.keyOnlyDeletes && lineColumns.some((c) => c.name === KEY_ONLY_COLUMN))
          await this.fillKeyOnlyDeletes(client, layout);
        const statements = mergeStatements({
          target,
          columns: lineColumns.filter((c) => !c.stageOnly).map((c) => c.name),
          parameterColumn: batchedAt,
          keys: layout.keys,
          mode,
          uniqueIndex,
          rowColumn: mode === 'upsert' ? ROW_COLUMN : undefined,
          deleteFlag: lineColumns.some((c) => c.name === DELETE_FLAG_COLUMN) ? DELETE_FLAG_COLUMN : undefined,
          toJsonb,
        });
        // _sdc_batched_at (SDC_COLUMNS): when the batch was handed to the export, one value for all its rows.
        const parameters = batchedAt === undefined ? [] : [context.batchedAt.toISOString()];
        for (const statement of statements)
          await client.query(statement, statement.includes('$1') ? parameters : []);
        phase = 'committing';
      };
      await this.withTable(`batch ${context.batchNumber}`, target, wanted, this.primaryKeyOf(layout), work);
    } catch (error) {
      throw this.loadError(error, phase, context, targetKey);
    }
    if (truncate) this.overwritten.add(targetKey);
  }

  /**
   * Gives each staged key-only delete the values its row keeps (from an earlier full record of the batch, else
   * from the target), so the merge marks the row deleted without writing NULL over the rest. One cheap query
   * when the batch has none.
   */
  private async fillKeyOnlyDeletes(client: ClientBase, layout: StreamLayout): Promise<void> {
    const stage = quoteIdent(STAGE_TABLE);
    const flag = quoteIdent(KEY_ONLY_COLUMN);
    const found = await client.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${stage} WHERE ${flag}) AS any`,
    );
    if (found.rows[0]?.any !== true) return;
    const carried = layout.properties.filter((p) => !layout.keys.includes(p.name));
    const statements = keyOnlyFillStatements({
      target: layout.table,
      keys: layout.keys,
      rowColumn: ROW_COLUMN,
      flag: KEY_ONLY_COLUMN,
      kept: carried.filter((p) => !p.property.startsWith('_sdc_')).map((p) => p.name),
      keptWhenNull: carried.filter((p) => p.property.startsWith('_sdc_')).map((p) => p.name),
    });
    for (const statement of statements) await client.query(statement);
  }

  /** Streams the batch's COPY text to the server. */
  private async copy(client: ClientBase, sql: string, chunks: readonly Buffer[]): Promise<void> {
    // Required here, as pg itself (connection.ts): only a run that loads rows needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { from: copyFrom } = require('pg-copy-streams') as typeof import('pg-copy-streams');
    const stream = client.query(copyFrom(sql));
    await pipeline(Readable.from(chunks, { objectMode: false }), stream);
  }

  private loadError(error: unknown, phase: string, context: EncodedBatchContext, table: string): unknown {
    if (error instanceof PostgresDestinationError) return error;
    const at = phase.startsWith('COPY into') ? copyErrorRow(error) : undefined;
    const line = at === undefined ? undefined : context.lineNumbers[at.row - 1];
    const where =
      line === undefined
        ? ''
        : ` at input ${context.describeLine(line)}${at?.column ? ` (column ${at.column})` : ''}`;
    return new PostgresDestinationError(
      'ERR_PG_LOAD_FAILED',
      `${describePgError(error)} while ${phase} ${table}${where}. The transaction was rolled back: no row of ` +
        'this batch was written',
      { line, stream: context.stream },
      { cause: error },
    );
  }

  /**
   * ACTIVATE_VERSION: rows of older versions (or none) are deleted with `hardDelete`, else marked deleted now in
   * `_sdc_deleted_at` (rows already marked keep their time).
   */
  async activateVersion(layout: StreamLayout, version: number, hardDelete: boolean): Promise<void> {
    const target: TableName = layout.table;
    const table = qualify(target.schema, target.table);
    const wanted = layout.properties.map(({ name, type }) => ({ name, type }));
    wanted.push(
      { name: '_sdc_table_version', type: 'bigint' },
      { name: '_sdc_deleted_at', type: 'timestamptz' },
    );
    await this.withTable(
      `ACTIVATE_VERSION of ${table}`,
      target,
      wanted,
      this.primaryKeyOf(layout),
      async (client) => {
        const result = await client.query(activateVersionSql(table, version, hardDelete));
        this.logger.info({ table, version, rows: result.rowCount, hardDelete }, 'activated version');
      },
    );
  }
}
