import type { DuckDBConnection } from '@duckdb/node-api';

/** A column a stream's table should have. */
export interface WantedColumn {
  name: string;
  type: string;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const quoteText = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** Integer digits and scale of a numeric type, or undefined for other types. */
function numericShape(type: string): { int: number; scale: number } | undefined {
  if (type === 'BIGINT') return { int: 19, scale: 0 };
  if (type === 'HUGEINT') return { int: 39, scale: 0 };
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  return decimal ? { int: Number(decimal[1]) - Number(decimal[2]), scale: Number(decimal[2]) } : undefined;
}

/**
 * The type a column must have to hold both what it holds (`current`) and what a new SCHEMA asks (`wanted`):
 * the wider number (BIGINT → HUGEINT → DECIMAL of the larger integer part and scale), DATE → TIMESTAMPTZ, and
 * VARCHAR (exact text) when nothing narrower holds both. Never narrows.
 *
 * @example
 * ```ts
 * widerType('DECIMAL(10,2)', 'DECIMAL(12,4)'); // 'DECIMAL(12,4)'
 * widerType('BIGINT', 'VARCHAR'); // 'VARCHAR'
 * ```
 */
export function widerType(current: string, wanted: string): string {
  if (current === wanted) return current;
  const [a, b] = [numericShape(current), numericShape(wanted)];
  if (a && b) {
    if (a.scale === 0 && b.scale === 0) return a.int >= b.int ? current : wanted;
    const [int, scale] = [Math.max(a.int, b.int), Math.max(a.scale, b.scale)];
    return int + scale <= 38 ? `DECIMAL(${int + scale},${scale})` : 'VARCHAR';
  }
  if (current === 'DATE' && wanted === 'TIMESTAMPTZ') return wanted;
  if (current === 'TIMESTAMPTZ' && wanted === 'DATE') return current;
  return 'VARCHAR';
}

/**
 * Creates the table, or brings it to `wanted`: adds missing columns and widens types (see {@link widerType}).
 * Returns every column's type afterwards, which is what the stream's values are encoded for.
 */
export async function ensureTable(
  connection: DuckDBConnection,
  schema: string,
  table: string,
  wanted: readonly WantedColumn[],
): Promise<Map<string, string>> {
  const qualified = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  const reader = await connection.runAndReadAll(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
    [schema, table],
  );
  const types = new Map(
    reader
      .getRows()
      .map(([name, type]) => [String(name), String(type).replace('TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ')]),
  );
  if (types.size === 0) {
    const list = wanted.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
    await connection.run(`CREATE TABLE ${qualified} (${list})`);
    return new Map(wanted.map((c) => [c.name, c.type]));
  }
  for (const { name, type } of wanted) {
    const current = types.get(name);
    const wider = current === undefined ? type : widerType(current, type);
    if (current === undefined)
      await connection.run(`ALTER TABLE ${qualified} ADD COLUMN ${quoteIdent(name)} ${type}`);
    else if (wider !== current)
      await connection.run(`ALTER TABLE ${qualified} ALTER ${quoteIdent(name)} TYPE ${wider}`);
    types.set(name, wider);
  }
  return types;
}

/**
 * Runs `work` in one transaction: COMMIT when it resolves (DuckDB syncs its WAL then), ROLLBACK when it throws or
 * resolves `false` (which this returns, for the caller to try again).
 */
export async function inTransaction(
  connection: DuckDBConnection,
  work: () => Promise<boolean | void>,
): Promise<boolean> {
  await connection.run('BEGIN TRANSACTION');
  let done: boolean | void;
  try {
    done = await work();
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await connection.run(done === false ? 'ROLLBACK' : 'COMMIT');
  return done !== false;
}
