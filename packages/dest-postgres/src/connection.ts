import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import type { Client, ClientConfig } from 'pg';
import type { PostgresConfig } from './config';

/** Where the ssl settings say to look for a CA certificate when none is given. */
const DEFAULT_CA_PATH = '~/.postgresql/root.crt';

function expandHome(path: string): string {
  return path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

/** Reads `ssl_certificate_authority`: PEM text as is, otherwise a file path (`~` expanded). */
function readCertificateAuthority(value: string | undefined): string | undefined {
  if (value !== undefined && value.includes('-----BEGIN')) return value;
  const path = expandHome(value ?? DEFAULT_CA_PATH);
  if (value === undefined && !existsSync(path)) return undefined; // the default file is optional: system CAs then
  return readFileSync(path, 'utf8');
}

function sslOptions(config: PostgresConfig): ClientConfig['ssl'] {
  if (!config.sslEnable || config.sslMode === 'disable') return false;
  if (config.sslMode === 'allow' || config.sslMode === 'prefer' || config.sslMode === 'require') {
    return { rejectUnauthorized: false };
  }
  const options: ConnectionOptions = { rejectUnauthorized: true };
  const ca = readCertificateAuthority(config.sslCertificateAuthority);
  if (ca !== undefined) options.ca = ca;
  // verify-ca checks the chain but not the host name, as libpq does.
  if (config.sslMode === 'verify-ca') options.checkServerIdentity = () => undefined;
  return options;
}

/**
 * The node-postgres client settings for a config: `sqlalchemy_url` (with any `+driver` suffix dropped from its
 * scheme) wins over the separate fields.
 *
 * @example
 * ```ts
 * clientConfigOf(config); // { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', ssl: false, ... }
 * ```
 */
export function clientConfigOf(config: PostgresConfig): ClientConfig {
  const common: ClientConfig = { application_name: 'dest-postgres', connectionTimeoutMillis: 30_000 };
  if (config.sqlalchemyUrl !== undefined) {
    const url = config.sqlalchemyUrl.replace(/^(postgres(?:ql)?)\+[a-z0-9_]+:/i, '$1:');
    return { ...common, connectionString: url };
  }
  return {
    ...common,
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl: sslOptions(config),
  };
}

/** Where a config connects to, for messages (never the password). */
export function describeTarget(config: PostgresConfig): string {
  if (config.sqlalchemyUrl === undefined)
    return `${config.host}:${config.port}/${config.database} as ${config.user}`;
  try {
    const url = new URL(config.sqlalchemyUrl.replace(/^[a-z0-9+]+:/i, 'postgres:'));
    return `${url.hostname}:${url.port || 5432}${url.pathname} as ${decodeURIComponent(url.username)}`;
  } catch {
    return 'the server in sqlalchemy_url';
  }
}

/**
 * Opens a client with the session settings the loader relies on: UTC, so timestamps without a zone are read as
 * UTC and timestamptz is written back in UTC; ISO dates, so casts to text are unambiguous.
 *
 * @example
 * ```ts
 * const client = await connect(config);
 * ```
 */
export async function connect(config: PostgresConfig): Promise<Client> {
  // Required at the first connection, not imported: --about and --show-templates never connect (pg is a dozen
  // modules of their start-up; test/cli/lazy-load.test.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client: PgClient } = require('pg') as typeof import('pg');
  const client = new PgClient(clientConfigOf(config));
  // An idle client whose server goes away emits 'error'; without a listener that would crash the process. The
  // next query on it fails and the loader reconnects.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'");
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}
