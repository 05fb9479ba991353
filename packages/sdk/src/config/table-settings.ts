import { IsBoolean, IsIn, IsOptional, IsString, MinLength } from 'class-validator';
import { Setting } from '../decorators/setting';
import { InputError } from '../errors';
import { SDC_COLUMNS } from '../toolkit/sdc-columns';

/**
 * `add_record_metadata`: add the SDK's metadata columns ({@link SDC_COLUMNS}, one meaning each in every
 * destination). The destination's property gives the default.
 *
 * @example
 * ```ts
 * class WarehouseConfig { @TableSetting.recordMetadata() addRecordMetadata = false; }
 * ```
 */
function recordMetadata(): PropertyDecorator {
  const names = SDC_COLUMNS.map((column) => column.name).join(', ');
  return compose(
    Setting({ name: 'add_record_metadata', description: `Add the SDK's metadata columns: ${names}.` }),
    IsBoolean(),
  );
}

/**
 * `default_target_schema`: the schema every table goes to; when unset, a stream named "schema-table" loads into
 * that schema and table (`streamTableName`), any other into `fallback`.
 *
 * @example
 * ```ts
 * class WarehouseConfig { @TableSetting.targetSchema('public') defaultTargetSchema?: string; }
 * ```
 */
function targetSchema(fallback: string): PropertyDecorator {
  return compose(
    Setting({
      name: 'default_target_schema',
      description:
        'Schema every table goes to. When unset, a stream named "schema-table" loads into that schema and table, ' +
        `and any other stream into "${fallback}".`,
      example: 'raw',
    }),
    IsOptional(),
    IsString(),
    MinLength(1),
  );
}

/** What `load_method` accepts. */
export type LoadMethod = 'append-only' | 'upsert' | 'overwrite';

/** What `TableSetting.loadMethod` takes. */
export interface LoadMethodOptions {
  /** What upsert does, e.g. "update rows with the same key, insert the rest". */
  upsert: string;
  /** Other spellings of append-only that configs written for another target use (target-duckdb: `append`). */
  appendAliases?: readonly string[];
}

/**
 * `load_method`: append-only, upsert or overwrite (unset: upsert for streams with key properties, else
 * append-only), as Meltano's SDK targets name them.
 *
 * @example
 * ```ts
 * class WarehouseConfig {
 *   @TableSetting.loadMethod({ upsert: 'update rows with the same key, insert the rest' }) loadMethod?: LoadMethod;
 * }
 * ```
 */
function loadMethod(options: LoadMethodOptions): PropertyDecorator {
  const aliases = options.appendAliases ?? [];
  const aliasNote = aliases.length === 0 ? '' : ` ${aliases.join(', ')}: the same as append-only.`;
  return compose(
    Setting({
      name: 'load_method',
      description:
        `How a batch is loaded: append-only (insert every record), upsert (${options.upsert}) or ` +
        'overwrite (replace the table contents with this run). Default: upsert for streams with key properties, ' +
        `else append-only.${aliasNote}`,
    }),
    IsOptional(),
    IsIn(['append-only', ...aliases, 'upsert', 'overwrite']),
  );
}

/**
 * `table`: Mage's destination table, the name of the output of the input's one stream in place of the stream's
 * name. `output` says what it names in this destination ("Table (in place of the stream's name)"). Pair it with a
 * {@link OneStreamTable} per run, which refuses a second stream.
 *
 * @example
 * ```ts
 * class WarehouseConfig { @TableSetting.table('Table (in place of the stream\'s name)') table?: string; }
 * ```
 */
function table(output: string): PropertyDecorator {
  return compose(
    Setting({
      name: 'table',
      description: `${output} of the input's one stream. Mage sets it to the destination table.`,
      example: 'dim_users',
    }),
    IsOptional(),
    IsString(),
    MinLength(1),
  );
}

/**
 * The rule of the `table` setting in one run: it names the output of one stream, so a SCHEMA of a second stream is
 * an `ERR_TABLE_FOR_ONE_STREAM` error. Make one per run.
 *
 * @example
 * ```ts
 * const tables = new OneStreamTable(config.table, 'file');
 * const name = tables.nameFor(stream, line) ?? stream; // throws on a second stream while table is set
 * ```
 */
export class OneStreamTable {
  #stream: string | undefined;

  /** `table` is the setting's value; `output` what it names, for the message ("file", "table"). */
  constructor(
    private readonly table: string | undefined,
    private readonly output: string,
  ) {}

  /** The table setting when it is set (for the first stream to ask, and only it), else undefined. */
  nameFor(stream: string, line: number): string | undefined {
    if (this.table === undefined) return undefined;
    if (this.#stream !== undefined && this.#stream !== stream) {
      throw new InputError(
        'ERR_TABLE_FOR_ONE_STREAM',
        `The table setting (${JSON.stringify(this.table)}) names the ${this.output} of one ` +
          `stream, but the input holds stream ${JSON.stringify(stream)} after ${JSON.stringify(this.#stream)}. ` +
          'Load one stream per run (as Mage does), or unset table.',
        { line, stream },
      );
    }
    this.#stream = stream;
    return this.table;
  }
}

/**
 * The settings table destinations share with Meltano's SDK targets and with Mage, declared once so that each
 * destination spells, validates and explains them alike. Each is a property decorator (with its class-validator
 * rules); the property's default, where it has one, stays in the destination's config class.
 *
 * @example
 * ```ts
 * class WarehouseConfig extends DeletionSettings {
 *   @TableSetting.targetSchema('main') defaultTargetSchema?: string;
 *   @TableSetting.table('Table (in place of the stream\'s name)') table?: string;
 *   @TableSetting.loadMethod({ upsert: 'update rows with the same key, insert the rest' }) loadMethod?: LoadMethod;
 *   @TableSetting.recordMetadata() addRecordMetadata = true;
 * }
 * ```
 */
export const TableSetting = { recordMetadata, targetSchema, loadMethod, table } as const;

/** One property decorator applying several, in order. */
function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (prototype, propertyKey) => {
    for (const decorate of decorators) decorate(prototype, propertyKey);
  };
}
