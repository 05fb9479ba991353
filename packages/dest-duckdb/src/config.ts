import { DeletionSettings, Setting, TableSetting, type LoadMethod as SdkLoadMethod } from '@singer-dest/sdk';
import { IsBoolean, IsOptional, IsString, MinLength } from 'class-validator';

/** How a flush moves a batch into its table (`append` is target-duckdb's spelling of `append-only`). */
export type LoadMethod = SdkLoadMethod | 'append';

/**
 * The settings of dest-duckdb. Names follow jwills/target-duckdb (`path` or `filepath`, `default_target_schema`,
 * `hard_delete`) and the Meltano SDK's targets (`add_record_metadata`, `load_method`), so their configs work;
 * `activate_version` and `hard_delete` are the SDK's {@link DeletionSettings}.
 *
 * @example
 * ```json
 * { "path": "warehouse.duckdb", "default_target_schema": "raw", "load_method": "upsert", "parquet_path": "out" }
 * ```
 */
export class DuckDbConfig extends DeletionSettings {
  @Setting({ name: 'path', description: 'The database file (default ./output.duckdb); created if missing.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  path?: string;

  @Setting({ name: 'filepath', description: 'Alias of path (target-duckdb reads either).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  filepath?: string;

  @TableSetting.targetSchema('main')
  defaultTargetSchema?: string;

  @TableSetting.loadMethod({
    upsert: 'replace rows with the same key; the last record of a key in a batch wins',
    appendAliases: ['append'],
  })
  loadMethod?: LoadMethod;

  @TableSetting.recordMetadata()
  addRecordMetadata = false;

  @Setting({
    name: 'unbounded_numbers_as_text',
    description:
      'Store a "number" property whose schema fixes no scale (no multipleOf) as VARCHAR holding each value ' +
      'exactly as sent, instead of DECIMAL(38,9), where a value with more than 9 decimals or 29 integer digits ' +
      'is refused by line.',
  })
  @IsBoolean()
  unboundedNumbersAsText = false;

  @Setting({
    name: 'parquet_path',
    description:
      'A directory: at the end of a successful run, each stream table is also written there as <table>.parquet ' +
      '(a directory of files with parquet_partition_by).',
    example: 'parquet',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  parquetPath?: string;

  @Setting({
    name: 'parquet_partition_by',
    description:
      'A column to partition the Parquet output by (Hive style, col=value/ directories), where present.',
    example: 'country',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  parquetPartitionBy?: string;
}

/** The database file a config names: `path`, else `filepath`, else ./output.duckdb. */
export function databaseFileOf(config: DuckDbConfig): string {
  return config.path ?? config.filepath ?? 'output.duckdb';
}
