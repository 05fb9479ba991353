import { DeletionSettings, Setting, TableSetting, type LoadMethod } from '@singer-dest/sdk';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

/** What `ssl_mode` accepts (libpq's names). */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/**
 * The settings of dest-postgres. Names and meanings follow MeltanoLabs' target-postgres, so its config files work
 * unchanged; the defaults reach a local server (127.0.0.1:5432, user postgres, database postgres).
 * `activate_version` and `hard_delete` are the SDK's {@link DeletionSettings}.
 *
 * @example
 * ```json
 * { "host": "db.internal", "user": "loader", "password": "...", "database": "warehouse",
 *   "default_target_schema": "raw", "load_method": "upsert" }
 * ```
 */
export class PostgresConfig extends DeletionSettings {
  @Setting({
    name: 'host',
    description: 'Server host name or IP address (ignored when sqlalchemy_url is set).',
  })
  @IsString()
  @MinLength(1)
  host = '127.0.0.1';

  @Setting({ name: 'port', description: 'Server port (ignored when sqlalchemy_url is set).' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 5432;

  @Setting({ name: 'user', description: 'User name to log in as (ignored when sqlalchemy_url is set).' })
  @IsString()
  @MinLength(1)
  user = 'postgres';

  @Setting({
    name: 'password',
    description: 'Password of the user (ignored when sqlalchemy_url is set).',
    secret: true,
  })
  @IsOptional()
  @IsString()
  password?: string;

  @Setting({ name: 'database', description: 'Database to load into (ignored when sqlalchemy_url is set).' })
  @IsString()
  @MinLength(1)
  database = 'postgres';

  @Setting({
    name: 'sqlalchemy_url',
    description:
      'A connection URL such as postgresql://loader:secret@db:5432/warehouse (the postgres and ' +
      'postgresql+psycopg2 schemes work too) that replaces host, port, user, password, database and the ssl settings.',
    secret: true,
    example: 'postgresql://loader:secret@db.internal:5432/warehouse',
  })
  @IsOptional()
  @IsString()
  sqlalchemyUrl?: string;

  @TableSetting.targetSchema('public')
  defaultTargetSchema?: string;

  @TableSetting.table("Table (in place of the stream's name)")
  table?: string;

  @TableSetting.loadMethod({ upsert: 'update rows with the same key, insert the rest' })
  loadMethod?: LoadMethod;

  @TableSetting.recordMetadata()
  addRecordMetadata = true;

  @Setting({
    name: 'sanitize_null_text_characters',
    description:
      'Replace NUL characters (U+0000, which PostgreSQL text cannot store) with U+FFFD instead of failing the batch.',
  })
  @IsBoolean()
  sanitizeNullTextCharacters = false;

  @Setting({ name: 'ssl_enable', description: 'Connect with TLS.' })
  @IsBoolean()
  sslEnable = false;

  @Setting({
    name: 'ssl_mode',
    description:
      'TLS mode when ssl_enable is true: disable, allow, prefer, require (encrypt only), verify-ca (check the ' +
      'certificate chain) or verify-full (also check the host name).',
  })
  @IsIn(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'])
  sslMode: SslMode = 'verify-full';

  @Setting({
    name: 'ssl_certificate_authority',
    description: 'CA certificate for verify-ca and verify-full: a PEM text or a path to a PEM file.',
    example: '~/.postgresql/root.crt',
  })
  @IsOptional()
  @IsString()
  sslCertificateAuthority?: string;
}
