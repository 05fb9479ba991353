import { randomBytes } from 'node:crypto';
import {
  AfterProcess,
  Destination,
  ExportBatch,
  OnActivateVersion,
  OnSchema,
  TestConnection,
  type ActivateVersionContext,
  type BatchContext,
  type JsonSchema,
  type ProcessContext,
  type SchemaContext,
} from '@singer-dest/sdk';
import { layoutOf, type StreamLayout } from './batch-plan';
import { PostgresConfig } from './config';
import { connect, describeTarget } from './connection';
import { qualify, quoteIdent, toPgName } from './identifiers';
import { Loader } from './loader';

/**
 * A Singer destination that loads PostgreSQL: each flush is one transaction (COPY into a staging table, then
 * insert or upsert), committed before the SDK writes the STATE that covers it.
 *
 * @example
 * ```ts
 * import { runCli } from '@singer-dest/sdk';
 * runCli(PostgresDestination); // dest-postgres --config config.json < tap-output.jsonl
 * ```
 */
@Destination({
  name: 'dest-postgres',
  version: '0.1.0',
  description: 'Loads PostgreSQL with COPY: one transaction per batch, upserts, schema evolution.',
  config: PostgresConfig,
})
export class PostgresDestination {
  private loader: Loader | undefined;
  /** Layouts by schema object: the SDK hands the same schema object to every batch until a new SCHEMA. */
  private readonly layouts = new WeakMap<JsonSchema, { keys: readonly string[]; layout: StreamLayout }>();

  private loaderFor(context: { config: PostgresConfig; logger: ProcessContext['logger'] }): Loader {
    this.loader ??= new Loader(context.config, context.logger);
    return this.loader;
  }

  private layoutFor(
    stream: string,
    schema: JsonSchema,
    keys: readonly string[],
    config: PostgresConfig,
  ): StreamLayout {
    const cached = this.layouts.get(schema);
    if (cached !== undefined && cached.keys === keys) return cached.layout;
    const layout = layoutOf(stream, schema, keys, config);
    this.layouts.set(schema, { keys, layout });
    return layout;
  }

  @OnSchema
  async schema({
    stream,
    schema,
    keyProperties,
    config,
    logger,
  }: SchemaContext<PostgresConfig>): Promise<void> {
    const layout = this.layoutFor(stream, schema, keyProperties, config);
    await this.loaderFor({ config, logger }).ensureTable(layout);
  }

  @ExportBatch
  async write(context: BatchContext<PostgresConfig>): Promise<void> {
    const { stream, schema, keyProperties, config, logger } = context;
    const layout = this.layoutFor(stream, schema, keyProperties, config);
    await this.loaderFor({ config, logger }).loadBatch(context, layout);
  }

  @OnActivateVersion
  async activate({
    stream,
    version,
    schema,
    keyProperties,
    config,
    logger,
  }: ActivateVersionContext<PostgresConfig>): Promise<void> {
    if (!config.activateVersion) {
      logger.info({ stream, version }, 'ACTIVATE_VERSION ignored (activate_version is false)');
      return;
    }
    const layout = this.layoutFor(stream, schema, keyProperties, config);
    await this.loaderFor({ config, logger }).activateVersion(layout, version, config.hardDelete);
  }

  @TestConnection
  async check({ config }: ProcessContext<PostgresConfig>): Promise<string> {
    const client = await connect(config);
    try {
      const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!
        .server_version;
      const schema = toPgName(config.defaultTargetSchema ?? 'public');
      const probe = `_sdc_connection_check_${randomBytes(4).toString('hex')}`;
      await client.query('BEGIN');
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
        await client.query(`CREATE TABLE ${qualify(schema, probe)} (id bigint PRIMARY KEY)`);
      } finally {
        await client.query('ROLLBACK');
      }
      return `connected to PostgreSQL ${version} at ${describeTarget(config)}; can create tables in schema "${schema}" (checked in a rolled-back transaction)`;
    } finally {
      await client.end();
    }
  }

  @AfterProcess
  async close(): Promise<void> {
    await this.loader?.close();
    this.loader = undefined;
  }
}
