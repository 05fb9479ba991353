import { createHash } from 'node:crypto';
import type { ClientBase } from 'pg';
import { qualify, quoteIdent, type TableName } from './identifiers';

/**
 * What a lock serializes. Each is its own advisory-lock class (the first of the two int4 keys), so dest-postgres'
 * locks never meet an application's single-bigint advisory locks, nor each other.
 *
 * - `table-ddl`: CREATE TABLE / ALTER TABLE of one table; exclusive for DDL, shared for every load.
 * - `table-merge`: the delete-then-insert merge of a table without a unique index on its keys.
 * - `schema-ddl`: CREATE SCHEMA of one schema.
 */
export type LockPurpose = 'table-ddl' | 'table-merge' | 'schema-ddl';

const LOCK_CLASSES: Record<LockPurpose, number> = {
  'table-ddl': 0x53440001,
  'table-merge': 0x53440002,
  'schema-ddl': 0x53440003,
};

/**
 * The two int4 keys of an advisory lock: the purpose's class, and the first 4 bytes (signed) of the SHA-256 of the
 * object's quoted name. A collision between two names only makes them wait for each other.
 *
 * @example
 * ```ts
 * lockKeys('table-ddl', '"raw"."users"'); // [1397030913, -1932315337]
 * ```
 */
export function lockKeys(purpose: LockPurpose, objectName: string): [number, number] {
  const digest = createHash('sha256').update(objectName).digest();
  return [LOCK_CLASSES[purpose], digest.readInt32BE(0)];
}

async function lock(client: ClientBase, keys: [number, number], shared: boolean): Promise<void> {
  const fn = shared ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  await client.query(`SELECT ${fn}($1::int4, $2::int4)`, keys);
}

/**
 * Takes a table's lock for the rest of the caller's transaction (released at COMMIT or ROLLBACK). Every
 * transaction takes at most one table's `table-ddl` lock, as its first statement, so the locks cannot form a
 * cycle: a DDL transaction (exclusive) waits for the loads in flight (shared), and loads that start later wait
 * for it, then read the table's new columns.
 *
 * @example
 * ```ts
 * await lockTable(client, { schema: 'raw', table: 'users' }, 'table-ddl', { shared: true });
 * ```
 */
export function lockTable(
  client: ClientBase,
  name: TableName,
  purpose: 'table-ddl' | 'table-merge',
  { shared }: { shared: boolean },
): Promise<void> {
  return lock(client, lockKeys(purpose, qualify(name.schema, name.table)), shared);
}

/**
 * Takes a schema's CREATE SCHEMA lock for the rest of the caller's transaction. Taken last (after the table's
 * lock), so it cannot close a cycle either.
 *
 * @example
 * ```ts
 * await lockSchema(client, 'raw');
 * ```
 */
export function lockSchema(client: ClientBase, schema: string): Promise<void> {
  return lock(client, lockKeys('schema-ddl', quoteIdent(schema)), false);
}
