/** Helpers the dest-duckdb tests share: a database file of its own per test, runs, and reading rows back. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type RunSettings } from '@singer-dest/sdk';
import {
  runTestDestination,
  type TestRunResult,
  resolveDestination,
  validateConfig,
} from '@singer-dest/sdk/testing';
import { DuckDbDestination } from '../../src/duckdb-destination';
import type { DuckDbConfig } from '../../src/config';

/** A validated config instance from JSON settings. */
export function configOf(raw: Record<string, unknown>): DuckDbConfig {
  return validateConfig(resolveDestination(DuckDbDestination), raw).config as DuckDbConfig;
}

/** A temporary directory holding one test's database file. */
export interface TestDb {
  dir: string;
  path: string;
  /** Runs the destination in-process on messages or a file, into this database (plus `settings`). */
  load(
    input: readonly (object | string)[] | { file: string },
    settings?: Record<string, unknown>,
    runSettings?: Partial<RunSettings>,
  ): Promise<TestRunResult>;
  /** Rows of a query as JSON-ready objects (numbers beyond doubles, decimals, timestamps as text). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  remove(): void;
}

export function testDb(label: string): TestDb {
  const dir = mkdtempSync(join(tmpdir(), `dest-duckdb-${label}-`));
  const path = join(dir, 'test.duckdb');
  return {
    dir,
    path,
    load(input, settings = {}, runSettings = {}) {
      const source = 'file' in input ? { file: input.file } : { messages: input };
      return runTestDestination(DuckDbDestination, {
        ...source,
        config: configOf({ path, ...settings }),
        settings: runSettings,
      });
    },
    async query(sql) {
      const instance = await DuckDBInstance.create(path);
      try {
        const connection = await instance.connect();
        await connection.run("SET TimeZone = 'UTC'");
        const reader = await connection.runAndReadAll(sql);
        const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
        connection.closeSync();
        return rows;
      } finally {
        instance.closeSync();
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const schema = (
  stream: string,
  properties: Record<string, object>,
  keys: string[] = [],
): Record<string, unknown> => ({ type: 'SCHEMA', stream, schema: { properties }, key_properties: keys });
export const record = (
  stream: string,
  value: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  type: 'RECORD',
  stream,
  record: value,
  ...extra,
});
export const state = (value: unknown) => ({ type: 'STATE', value });
