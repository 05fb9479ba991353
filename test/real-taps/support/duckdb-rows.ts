/** Reading a dest-duckdb database file back in the real-tap tests: every value as DuckDB's own text. */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ROOT } from '../../cli/support/spawn-bin';

export const DEST_DUCKDB = join(ROOT, 'packages', 'dest-duckdb', 'bin', 'dest-duckdb.js');

/** The rows of `sql` in `file`, each value cast to VARCHAR by the query (null stays null), in UTC. */
export async function duckdbRows(file: string, sql: string): Promise<(string | null)[][]> {
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    const rows = (await connection.runAndReadAll(sql)).getRowsJS() as (string | null)[][];
    connection.closeSync();
    return rows;
  } finally {
    instance.closeSync();
  }
}

/** `SELECT` of `columns`, each as VARCHAR, from `table`, ordered by `order`. */
export const varcharSelect = (columns: readonly string[], table: string, order: string): string =>
  `SELECT ${columns.map((c) => `"${c}"::VARCHAR`).join(', ')} FROM ${table} ORDER BY ${order}`;
