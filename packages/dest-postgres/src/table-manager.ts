import type { Logger } from '@singer-dest/sdk';
import type { ClientBase } from 'pg';
import { qualify, quoteIdent, type TableName } from './identifiers';
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

/**
 * Creates, extends and widens tables, and remembers what each table looks like so an unchanged stream costs no
 * catalog query per flush. All DDL runs on the caller's client, inside the caller's transaction: a flush that
 * fails rolls its DDL back too (then call {@link TableManager.forget}).
 *
 * @example
 * ```ts
 * const info = await tables.ensure(client, { schema: 'raw', table: 'users' }, [{ name: 'id', type: 'bigint' }], ['id']);
 * ```
 */
export class TableManager {
  private readonly known = new Map<string, TableInfo>();

  constructor(private readonly logger: Logger) {}

  /** Drops what is remembered about a table (after a rollback, its DDL may be undone). */
  forget(name: TableName): void {
    this.known.delete(cacheKey(name));
  }

  /** Drops everything remembered (after a reconnect). */
  forgetAll(): void {
    this.known.clear();
  }

  /**
   * Makes sure the table exists with every wanted column, each able to hold its wanted type: creates the schema
   * and table (primary key from `keys`) when missing, adds missing columns, widens narrower ones. Columns the
   * table has beyond the wanted ones are left alone.
   */
  async ensure(
    client: ClientBase,
    name: TableName,
    wanted: readonly WantedColumn[],
    keys: readonly string[],
  ): Promise<TableInfo> {
    let info = this.known.get(cacheKey(name));
    if (info !== undefined && this.satisfies(info, wanted)) return info;
    info ??= await this.read(client, name);
    if (info.columns.size === 0) {
      await this.create(client, name, wanted, keys);
    } else {
      await this.alter(client, info, wanted);
    }
    info = await this.read(client, name);
    this.known.set(cacheKey(name), info);
    return info;
  }

  private satisfies(info: TableInfo, wanted: readonly WantedColumn[]): boolean {
    return wanted.every((column) => {
      const existing = info.columns.get(column.name);
      return existing !== undefined && widenedType(existing.kind, column.type) === undefined;
    });
  }

  /** Reads the table's columns and unique indexes; no columns when it does not exist. */
  async read(client: ClientBase, name: TableName): Promise<TableInfo> {
    const relation = qualify(name.schema, name.table);
    const columns = await client.query<{ attname: string; typname: string; sql_type: string }>(
      `SELECT a.attname, t.typname, format_type(a.atttypid, a.atttypmod) AS sql_type
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [relation],
    );
    const indexes = await client.query<{ cols: string[] }>(
      `SELECT ARRAY(SELECT a.attname FROM unnest(i.indkey) AS k(attnum)
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)::text[] AS cols
         FROM pg_index i
        WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL`,
      [relation],
    );
    return {
      name,
      columns: new Map(
        columns.rows.map((r) => [r.attname, { kind: kindOfPgType(r.typname), sqlType: r.sql_type }]),
      ),
      uniqueKeys: indexes.rows.map((r) => r.cols),
    };
  }

  private async create(
    client: ClientBase,
    name: TableName,
    wanted: readonly WantedColumn[],
    keys: readonly string[],
  ) {
    const definitions = wanted.map((c) => `${quoteIdent(c.name)} ${c.type}`);
    if (keys.length > 0) definitions.push(`PRIMARY KEY (${keys.map(quoteIdent).join(', ')})`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(name.schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${qualify(name.schema, name.table)} (${definitions.join(', ')})`,
    );
    this.logger.info({ schema: name.schema, table: name.table, columns: wanted.length }, 'created table');
  }

  private async alter(client: ClientBase, info: TableInfo, wanted: readonly WantedColumn[]) {
    const actions: string[] = [];
    for (const column of wanted) {
      const existing = info.columns.get(column.name);
      const id = quoteIdent(column.name);
      if (existing === undefined) {
        actions.push(`ADD COLUMN IF NOT EXISTS ${id} ${column.type}`);
        continue;
      }
      const to = widenedType(existing.kind, column.type);
      if (to !== undefined) actions.push(`ALTER COLUMN ${id} TYPE ${to} USING ${conversionOf(id, to)}`);
    }
    if (actions.length === 0) return;
    await client.query(`ALTER TABLE ${qualify(info.name.schema, info.name.table)} ${actions.join(', ')}`);
    this.logger.info({ schema: info.name.schema, table: info.name.table, changes: actions }, 'altered table');
  }
}
