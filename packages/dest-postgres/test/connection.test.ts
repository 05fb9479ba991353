import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clientConfigOf, describeTarget } from '../src/connection';
import { configOf } from './support/run';

describe('connection settings', () => {
  it('connects to 127.0.0.1:5432 as postgres to database postgres without TLS by default', () => {
    const client = clientConfigOf(configOf({}));
    assert.deepEqual(
      { host: client.host, port: client.port, user: client.user, database: client.database, ssl: client.ssl },
      { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', ssl: false },
    );
  });

  it('uses sqlalchemy_url instead of the separate fields, without its +driver suffix', () => {
    const config = configOf({
      sqlalchemy_url: 'postgresql+psycopg2://loader:s%40cret@db.example:6543/warehouse',
      host: 'ignored',
    });
    const client = clientConfigOf(config);
    assert.equal(client.connectionString, 'postgresql://loader:s%40cret@db.example:6543/warehouse');
    assert.equal(client.host, undefined);
    assert.equal(describeTarget(config), 'db.example:6543/warehouse as loader');
  });

  it('maps ssl_mode to TLS options: require encrypts only, verify-ca checks the chain, verify-full also the host', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dest-postgres-ca-'));
    const caPath = join(dir, 'ca.pem');
    writeFileSync(caPath, '-----BEGIN CERTIFICATE-----\nfile\n-----END CERTIFICATE-----\n');
    const ssl = (settings: Record<string, unknown>) =>
      clientConfigOf(configOf({ ssl_enable: true, ...settings })).ssl;
    assert.deepEqual(ssl({ ssl_mode: 'require' }), { rejectUnauthorized: false });
    assert.equal(ssl({ ssl_mode: 'disable' }), false);
    assert.equal(clientConfigOf(configOf({ ssl_mode: 'require' })).ssl, false);
    const full = ssl({ ssl_certificate_authority: caPath }) as {
      rejectUnauthorized: boolean;
      ca: string;
      checkServerIdentity?: unknown;
    };
    assert.equal(full.rejectUnauthorized, true);
    assert.match(full.ca, /file/);
    assert.equal(full.checkServerIdentity, undefined);
    const pem = '-----BEGIN CERTIFICATE-----\ninline\n-----END CERTIFICATE-----';
    const ca = ssl({ ssl_mode: 'verify-ca', ssl_certificate_authority: pem }) as {
      ca: string;
      checkServerIdentity: () => unknown;
    };
    assert.equal(ca.ca, pem);
    assert.equal(ca.checkServerIdentity(), undefined);
  });

  it('rejects invalid settings with every problem listed by its JSON name', () => {
    assert.throws(
      () => configOf({ port: 'x', load_method: 'merge', ssl_mode: 'sometimes' }),
      (error: unknown) =>
        error instanceof Error &&
        /port/.test(error.message) &&
        /load_method/.test(error.message) &&
        /ssl_mode/.test(error.message) &&
        (error as { code?: string }).code === 'ERR_INVALID_CONFIG',
    );
  });
});
