import { columnChanges, type Logger } from '@singer-dest/sdk';
import type { ClientBase, QueryResult } from 'pg';
import { qualify, quoteIdent, type TableName } from './identifiers';
import { lockKeys, lockSchema, lockTable } from './table-locks';
import { conversionOf, kindOfPgType, widenedType, type ColumnKind, type ColumnType } from './type-mapping';

/** A column as the table has it. */
export interface ExistingColumn {
  kind: ColumnKind;
  /** The type as SQL writes it (`format_type`), e.g. `numeric(10,2)`, `character varying(20)`. */
  sqlType: string;
}

/** What the loader knows about one table. */
export interface TableInfo {
  name: TableName;
  /** Columns by PostgreSQL name. */
  columns: Map<string, ExistingColumn>;
  /** Column sets of the table's unique indexes (those ON CONFLICT can use). */
  uniqueKeys: string[][];
}

/** A column a batch needs. */
export interface WantedColumn {
  name: string;
  type: ColumnType;
}

function cacheKey(name: TableName): string {
  return `${name.schema}\u0000${name.table}`;
}

interface ColumnRow {
  attname: string;
  typname: string;
  sql_type: string;
}

interface UniqueKeyRow {
  cols: string[];
}

/** The table's columns, in order; `schema` and `table` are SQL (parameters or quoted literals). */
function columnsQuery(schema: string, table: string): string {
  return `SELECT a.attname, t.typname, format_type(a.atttypid, a.atttypmod) AS sql_type
         FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        WHERE n.nspname = ${schema} AND c.relname = ${table} AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`;
}

/** The column lists of the table's plain unique indexes; `schema` and `table` as for {@link columnsQuery}. */
function uniqueKeysQuery(schema: string, table: string): string {
  return `SELECT ARRAY(SELECT a.attname FROM unnest(i.indkey) AS k(attnum)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)::text[] AS cols
         FROM pg_catalog.pg_index i
         JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ${schema} AND c.relname = ${table} AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL`;
}

function tableInfoOf(
  name: TableName,
  columns: readonly ColumnRow[],
  indexes: readonly UniqueKeyRow[],
): TableInfo {
  return {
    name,
    columns: new Map(columns.map((r) => [r.attname, { kind: kindOfPgType(r.typname), sqlType: r.sql_type }])),
    uniqueKeys: indexes.map((r) => r.cols),
  };
}

/** What the table lacks of the wanted columns: the columns to add, and the ones to widen (the SDK's columnChanges). */
function changesFor(info: TableInfo, wanted: readonly WantedColumn[]) {
  return columnChanges(info.columns, wanted, (existing, type) => widenedType(existing.kind, type));
}

function satisfies(info: TableInfo, wanted: readonly WantedColumn[]): boolean {
  const changes = changesFor(info, wanted);
  return changes.added.length === 0 && changes.widened.length === 0;
}

/**
 * Creates, extends and widens tables, safely beside other dest-postgres processes loading the same database.
 *
 * DDL of a table ({@link TableManager.ensure}) runs under the table's exclusive advisory lock, taken as the first
 * statement of the caller's transaction, and decides what to change only after re-reading the table under it, so
 * two processes that both see a column missing add it once, and two that both see the table missing create it
 * once. A load that needs no DDL starts with {@link TableManager.pinForLoad}: the same lock, shared, then a fresh
 * read, which no dest-postgres process can change until that transaction ends. What a table looks like is
 * remembered only to choose between the two. DDL runs inside the caller's transaction: a flush that fails rolls
 * its DDL back too.
 *
 * @example
 * ```ts
 * const info = tables.needsDdl(name, wanted)
 *   ? await tables.ensure(client, name, wanted, ['id'])
 *   : await tables.pinForLoad(client, name);
 * ```
 */
export class TableManager {
  private readonly known = new Map<string, TableInfo>();

  constructor(private readonly logger: Logger) {}

  /** Drops what is remembered about a table. */
  forget(name: TableName): void {
    this.known.delete(cacheKey(name));
  }

  /** Drops everything remembered (after a rollback or a reconnect). */
  forgetAll(): void {
    this.known.clear();
  }

  /** False when the table, as last read, already has every wanted column able to hold its type. */
  needsDdl(name: TableName, wanted: readonly WantedColumn[]): boolean {
    const info = this.known.get(cacheKey(name));
    return info === undefined || !satisfies(info, wanted);
  }

  /**
   * As the first statement of the caller's transaction, takes the table's exclusive DDL lock, re-reads
   * the table, and creates the schema and table (primary key from `keys`) when missing, adds missing columns and
   * widens narrower ones. Columns the table has beyond the wanted ones are left alone.
   */
  async ensure(
    client: ClientBase,
    name: TableName,
    wanted: readonly WantedColumn[],
    keys: readonly string[],
  ): Promise<TableInfo> {
    // First statement of the transaction: nothing of the catalog was read before the lock was granted.
    await lockTable(client, name, 'table-ddl', { shared: false });
    let info = await this.read(client, name);
    if (info.columns.size === 0) {
      await this.create(client, name, wanted, keys);
      info = await this.read(client, name);
    } else if (await this.alter(client, info, wanted)) {
      info = await this.read(client, name);
    }
    this.known.set(cacheKey(name), info);
    return info;
  }

  /**
   * First step of a load transaction: takes the table's DDL lock shared (loads run side by side; DDL waits for
   * them, and they for it) and reads the table as it is now. One round trip: the lock and the two catalog reads go
   * as one query string, run in order; under READ COMMITTED each statement takes its own snapshot, so the reads
   * still see the catalog as it is once the lock is held. (Three round trips a batch cost ~60 ms of waiting for the
   * busy main thread's event loop on the 300k bench, against ~2 ms for the one COPY they come before.)
   */
  async pinForLoad(client: ClientBase, name: TableName): Promise<TableInfo> {
    const [classId, objectId] = lockKeys('table-ddl', qualify(name.schema, name.table));
    const schema = client.escapeLiteral(name.schema);
    const table = client.escapeLiteral(name.table);
    const results = (await client.query(
      `SELECT pg_advisory_xact_lock_shared(${classId}::int4, ${objectId}::int4);\n` +
        `${columnsQuery(schema, table)};\n${uniqueKeysQuery(schema, table)}`,
    )) as unknown as [QueryResult, QueryResult<ColumnRow>, QueryResult<UniqueKeyRow>];
    const info = tableInfoOf(name, results[1].rows, results[2].rows);
    this.known.set(cacheKey(name), info);
    return info;
  }

  /** True when the table has every wanted column able to hold its type. */
  satisfies(info: TableInfo, wanted: readonly WantedColumn[]): boolean {
    return satisfies(info, wanted);
  }

  /**
   * Reads the table's columns and unique indexes; no columns when it does not exist. It scans the catalog tables
   * by name (not `to_regclass`, which may answer from this backend's cache of names), so a table another process
   * committed a moment ago is seen.
   */
  async read(client: ClientBase, name: TableName): Promise<TableInfo> {
    const parameters = [name.schema, name.table];
    const columns = await client.query<ColumnRow>(columnsQuery('$1', '$2'), parameters);
    const indexes = await client.query<UniqueKeyRow>(uniqueKeysQuery('$1', '$2'), parameters);
    return tableInfoOf(name, columns.rows, indexes.rows);
  }

  private async create(
    client: ClientBase,
    name: TableName,
    wanted: readonly WantedColumn[],
    keys: readonly string[],
  ) {
    const definitions = wanted.map((c) => `${quoteIdent(c.name)} ${c.type}`);
    if (keys.length > 0) definitions.push(`PRIMARY KEY (${keys.map(quoteIdent).join(', ')})`);
    await this.createSchema(client, name.schema);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${qualify(name.schema, name.table)} (${definitions.join(', ')})`,
    );
    this.logger.info({ schema: name.schema, table: name.table, columns: wanted.length }, 'created table');
  }

  /** CREATE SCHEMA under the schema's lock, when a scan of the catalog (not a cache) does not find it. */
  private async createSchema(client: ClientBase, schema: string): Promise<void> {
    const exists = async () =>
      (await client.query('SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1', [schema])).rowCount !==
      0;
    if (await exists()) return;
    await lockSchema(client, schema);
    if (await exists()) return;
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    this.logger.info({ schema }, 'created schema');
  }

  /** Adds and widens columns; true when it changed the table. */
  private async alter(
    client: ClientBase,
    info: TableInfo,
    wanted: readonly WantedColumn[],
  ): Promise<boolean> {
    const changes = changesFor(info, wanted);
    const actions = [
      ...changes.added.map(({ name, type }) => `ADD COLUMN IF NOT EXISTS ${quoteIdent(name)} ${type}`),
      ...changes.widened.map(({ name, type }) => {
        const id = quoteIdent(name);
        return `ALTER COLUMN ${id} TYPE ${type} USING ${conversionOf(id, type)}`;
      }),
    ];
    if (actions.length === 0) return false;
    await client.query(`ALTER TABLE ${qualify(info.name.schema, info.name.table)} ${actions.join(', ')}`);
    this.logger.info({ schema: info.name.schema, table: info.name.table, changes: actions }, 'altered table');
    return true;
  }
}
