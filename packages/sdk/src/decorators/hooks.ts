import { handlerDecorator } from './handler';
import type {
  ActivateVersionContext,
  AfterProcessContext,
  DescribeOutputContext,
  EncodedBatchContext,
  ProcessContext,
  RecordBatchContext,
  SchemaContext,
} from '../contexts';

type MaybeAsync<T> = T | Promise<T>;

/**
 * The method that writes one stream's batch. It must make the batch durable before it returns (or its promise
 * resolves): a STATE that covers the batch is written to stdout right after. Exactly one per destination. It
 * takes a {@link RecordBatchContext}, or with `@EncodeWith` an {@link EncodedBatchContext}.
 *
 * @example
 * ```ts
 * @ExportBatch
 * async write({ stream, records }: RecordBatchContext<MyConfig>) { await appendRows(stream, records); }
 * ```
 */
export const ExportBatch = handlerDecorator<
  | ((context: RecordBatchContext<any>) => MaybeAsync<void>)
  | ((context: EncodedBatchContext<any, any, any>) => MaybeAsync<void>)
>('exportBatch');

/**
 * Called for every SCHEMA message (after the stream's buffered records were exported, when the schema changed):
 * create or alter tables here. What it returns is the stream's state, handed to the other hooks as
 * `streamState` (see {@link SchemaContext}).
 *
 * @example
 * ```ts
 * @OnSchema
 * async schema({ stream, schema, changed, state }: SchemaContext<MyConfig, Table>): Promise<Table> {
 *   return !changed && state ? state : await ensureTable(stream, schema);
 * }
 * ```
 */
export const OnSchema =
  handlerDecorator<(context: SchemaContext<any, any>) => MaybeAsync<unknown>>('onSchema');

/**
 * Called for an ACTIVATE_VERSION message, after every record of the stream read before it was exported.
 *
 * @example
 * ```ts
 * @OnActivateVersion
 * async activate({ stream, version }: ActivateVersionContext) { await deleteOlderVersions(stream, version); }
 * ```
 */
export const OnActivateVersion =
  handlerDecorator<(context: ActivateVersionContext<any>) => MaybeAsync<void>>('onActivateVersion');

/**
 * Runs once before any input is read (and before `@TestConnection`): open connections here.
 *
 * @example
 * ```ts
 * @BeforeProcess
 * async open({ config }: ProcessContext<MyConfig>) { this.pool = new Pool(config); }
 * ```
 */
export const BeforeProcess =
  handlerDecorator<(context: ProcessContext<any>) => MaybeAsync<void>>('beforeProcess');

/**
 * Runs once at the end: after the last flush, and also after a failure (with the error), so connections close.
 *
 * @example
 * ```ts
 * @AfterProcess
 * async close({ error }: AfterProcessContext) { await this.pool?.end(); }
 * ```
 */
export const AfterProcess =
  handlerDecorator<(context: AfterProcessContext<any>) => MaybeAsync<void>>('afterProcess');

/**
 * Checks that the destination can reach and write its target. Throw to fail; return a short sentence saying what
 * was checked (printed by `--test-connection`).
 *
 * @example
 * ```ts
 * @TestConnection
 * async check({ config }: ProcessContext<MyConfig>) { await this.pool.query('select 1'); return 'connected'; }
 * ```
 */
export const TestConnection =
  handlerDecorator<(context: ProcessContext<any>) => MaybeAsync<string | void>>('testConnection');

/**
 * Optional: says where a stream's records went in this run (file paths, `schema.table`), so the closing summary
 * can name them: `Loaded 7 records ... into output/users.csv, output/orders.csv`. Called once per stream that had
 * records exported, after the last export and before `@AfterProcess`; return a text, several, or nothing. A
 * failure here is logged as a warning and never fails the run: the data is already stored.
 *
 * @example
 * ```ts
 * @DescribeOutput
 * where({ stream, config }: DescribeOutputContext<MyConfig>) { return `${config.schema}.${stream}`; }
 * ```
 */
export const DescribeOutput =
  handlerDecorator<(context: DescribeOutputContext<any>) => MaybeAsync<string | readonly string[] | void>>(
    'describeOutput',
  );
