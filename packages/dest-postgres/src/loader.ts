import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchContext, Logger } from '@singer-dest/sdk';
import type { Client, ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  batchColumns,
  DELETE_FLAG_COLUMN,
  isDeleted,
  METADATA_COLUMNS,
  rowsToWrite,
  type StreamLayout,
} from './batch-plan';
import type { LoadMethod, PostgresConfig } from './config';
import { connect } from './connection';
import { encodeCopyRows, type CopyColumn } from './copy-encoder';
import { PostgresDestinationError } from './errors';
import { qualify, quoteIdent, type TableName } from './identifiers';
import { mergeStatements, STAGE_TABLE } from './merge-sql';
import { TableManager, type WantedColumn } from './table-manager';

/** A flush whose connection broke before COMMIT was sent is retried this many times in all. */
export const MAX_ATTEMPTS = 3;
const RETRY_DELAY_MS = 250;

/** SQLSTATE classes and client errors that mean the connection, not the statement, failed. */
function isConnectionError(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
    if (['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))
      return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|connection error|not queryable|terminating connection/i.test(message)
  );
}

function describePgError(error: unknown): string {
  const e = error as { code?: string; message?: string; detail?: string; column?: string };
  let text = e.message ?? String(error);
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
    text = `PostgreSQL error ${e.code}: ${text}`;
  // PostgreSQL's detail can quote a whole row ("Failing row contains ..."): keep record contents out of messages.
  if (e.detail && !e.detail.startsWith('Failing row contains')) text += ` (${e.detail})`;
  return text;
}

/** The batch row a COPY error points at (`COPY _sdc_stage, line 3, column x: ...`), if it says. */
function copyErrorRow(error: unknown): { row: number; column: string | undefined } | undefined {
  const where = (error as { where?: unknown }).where;
  if (typeof where !== 'string') return undefined;
  const match = /COPY [^,]+, line (\d+)(?:, column ([^:]+))?/.exec(where);
  return match ? { row: Number(match[1]), column: match[2] } : undefined;
}

/**
 * Writes batches to PostgreSQL: one transaction per flush (DDL, COPY into a temporary staging table, merge,
 * COMMIT), with a bounded retry of the whole flush when the connection breaks before COMMIT.
 *
 * @example
 * ```ts
 * const loader = new Loader(config, logger);
 * await loader.loadBatch(context, layout);
 * await loader.close();
 * ```
 */
export class Loader {
  private client: Client | undefined;
  private readonly tables: TableManager;
  /** Overwrite: tables already emptied in this run (later flushes add to them). */
  private readonly overwritten = new Set<string>();
  private readonly sequenceBase = Date.now() * 1000;

  constructor(
    private readonly config: PostgresConfig,
    private readonly logger: Logger,
  ) {
    this.tables = new TableManager(logger);
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connection(): Promise<Client> {
    this.client ??= await connect(this.config);
    return this.client;
  }

  private discard(): void {
    const client = this.client;
    this.client = undefined;
    this.tables.forgetAll();
    client?.end().catch(() => undefined);
  }

  /**
   * Runs `work` in one transaction. When the connection breaks before COMMIT was sent, nothing was committed,
   * so the whole transaction is retried on a new connection (at most {@link MAX_ATTEMPTS} times in all). When it
   * breaks during COMMIT, whether the commit happened is unknown: that fails, never retries.
   */
  async inTransaction<T>(what: string, work: (client: ClientBase) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let commitSent = false;
      try {
        const client = await this.connection();
        try {
          await client.query('BEGIN');
          const result = await work(client);
          commitSent = true;
          await client.query('COMMIT');
          return result;
        } catch (error) {
          if (!isConnectionError(error)) await client.query('ROLLBACK').catch(() => this.discard());
          throw error;
        }
      } catch (error) {
        this.tables.forgetAll(); // DDL of the failed transaction was rolled back
        if (!isConnectionError(error)) throw error;
        this.discard();
        if (commitSent) {
          throw new PostgresDestinationError(
            'ERR_PG_COMMIT_UNKNOWN',
            `The connection broke during COMMIT of ${what}, so whether it was committed is unknown ` +
              `(${describePgError(error)}). Rerun from the last emitted state.`,
            {},
            { cause: error },
          );
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
        this.logger.warn(
          { attempt, err: describePgError(error) },
          `connection lost during ${what}; retrying it on a new connection`,
        );
        await sleep(RETRY_DELAY_MS * attempt);
      }
    }
  }

  /** Creates the table of a stream (used on SCHEMA, so a stream without records still gets its table). */
  async ensureTable(layout: StreamLayout): Promise<void> {
    const wanted = layout.properties.map(({ name, type }) => ({ name, type }));
    if (this.config.addRecordMetadata) {
      for (const [name, type] of Object.entries(METADATA_COLUMNS)) wanted.push({ name, type });
    }
    await this.inTransaction(`creating table ${qualify(layout.table.schema, layout.table.table)}`, (client) =>
      this.tables.ensure(client, layout.table, wanted, this.primaryKeyOf(layout)),
    );
  }

  /** The primary key a new table gets: the keys, except for append-only (duplicate keys are expected there). */
  private primaryKeyOf(layout: StreamLayout): readonly string[] {
    return this.methodOf(layout) === 'append-only' ? [] : layout.keys;
  }

  /** The load method a stream uses: the configured one, else upsert with keys and append without. */
  methodOf(layout: StreamLayout): LoadMethod {
    const method = this.config.loadMethod ?? (layout.keys.length > 0 ? 'upsert' : 'append-only');
    return method === 'upsert' && layout.keys.length === 0 ? 'append-only' : method;
  }

  /** Writes one batch in one transaction; resolves after COMMIT. */
  async loadBatch(context: BatchContext, layout: StreamLayout): Promise<void> {
    const method = this.methodOf(layout);
    const mode = method === 'append-only' || layout.keys.length === 0 ? 'append' : 'upsert';
    const keyProperties = layout.keys.length > 0 ? context.keyProperties : [];
    const rows = rowsToWrite(context, keyProperties, mode === 'upsert');
    const deleteFlag = this.config.hardDelete && mode === 'upsert' && rows.some((i) => isDeleted(context, i));
    const columns = batchColumns(context, layout, {
      config: this.config,
      sequenceBase: this.sequenceBase,
      deleteFlag,
    });
    const wanted: WantedColumn[] = columns.filter((c) => c.name !== DELETE_FLAG_COLUMN);
    const target = layout.table;
    const targetKey = qualify(target.schema, target.table);
    const truncate = method === 'overwrite' && !this.overwritten.has(targetKey);
    let phase = 'creating or altering';
    try {
      await this.inTransaction(`batch ${context.batchNumber}`, async (client) => {
        phase = 'creating or altering';
        const info = await this.tables.ensure(client, target, wanted, this.primaryKeyOf(layout));
        if (truncate) {
          phase = 'emptying (overwrite)';
          await client.query(`TRUNCATE ${targetKey}`);
        }
        phase = 'creating the staging table for';
        const stageColumns = columns.map((c) => {
          const existing = info.columns.get(c.name);
          // A timestamp-without-zone column is staged as timestamptz: the cast on insert converts to UTC.
          const type =
            existing === undefined
              ? c.type
              : existing.kind === 'timestamp'
                ? 'timestamptz'
                : existing.sqlType;
          return `${quoteIdent(c.name)} ${type}`;
        });
        await client.query(
          `CREATE TEMP TABLE ${quoteIdent(STAGE_TABLE)} (${stageColumns.join(', ')}) ON COMMIT DROP`,
        );
        phase = 'COPY into the staging table for';
        const copyColumns: CopyColumn[] = columns.map((c) => ({
          label: c.label,
          json: info.columns.get(c.name)?.kind === 'jsonb',
          valueOf: c.valueOf,
        }));
        const list = columns.map((c) => quoteIdent(c.name)).join(', ');
        const copy = client.query(copyFrom(`COPY ${quoteIdent(STAGE_TABLE)} (${list}) FROM STDIN`));
        const chunks = encodeCopyRows(copyColumns, rows, {
          sanitizeNul: this.config.sanitizeNullTextCharacters,
          lineOf: (i) => context.lines[i]!,
          stream: context.stream,
        });
        await pipeline(Readable.from(chunks), copy);
        phase = 'merging into';
        const uniqueIndex = info.uniqueKeys.some(
          (cols) => cols.length === layout.keys.length && layout.keys.every((k) => cols.includes(k)),
        );
        const statements = mergeStatements({
          target,
          columns: wanted.map((c) => c.name),
          keys: layout.keys,
          mode,
          uniqueIndex,
          deleteFlag: deleteFlag ? DELETE_FLAG_COLUMN : undefined,
        });
        for (const statement of statements) await client.query(statement);
        phase = 'committing';
      });
    } catch (error) {
      throw this.loadError(error, phase, context, rows, targetKey);
    }
    if (truncate) this.overwritten.add(targetKey);
  }

  private loadError(
    error: unknown,
    phase: string,
    context: BatchContext,
    rows: readonly number[],
    table: string,
  ): unknown {
    if (error instanceof PostgresDestinationError) return error;
    const at = phase === 'COPY into the staging table for' ? copyErrorRow(error) : undefined;
    const index = at === undefined ? undefined : rows[at.row - 1];
    const line = index === undefined ? undefined : context.lines[index];
    const where =
      line === undefined ? '' : ` at input line ${line}${at?.column ? ` (column ${at.column})` : ''}`;
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
    const old = `("_sdc_table_version" IS NULL OR "_sdc_table_version" < $1)`;
    await this.inTransaction(`ACTIVATE_VERSION of ${table}`, async (client) => {
      await this.tables.ensure(client, target, wanted, this.primaryKeyOf(layout));
      const result = hardDelete
        ? await client.query(`DELETE FROM ${table} WHERE ${old}`, [version])
        : await client.query(
            `UPDATE ${table} SET "_sdc_deleted_at" = now() WHERE "_sdc_deleted_at" IS NULL AND ${old}`,
            [version],
          );
      this.logger.info({ table, version, rows: result.rowCount, hardDelete }, 'activated version');
    });
  }
}
