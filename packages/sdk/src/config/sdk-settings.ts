import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsPositive, IsString, Min } from 'class-validator';
import { Setting } from '../decorators/setting';
import type { ExtraPropertiesPolicy } from '../runtime/extra-properties';
import { MIB, type InvalidRecordPolicy, type RunSettings } from '../runtime/settings';

/**
 * Settings every destination accepts, besides its own. Keys follow Mage (`maximum_batch_size_mb`) and Meltano
 * (`batch_size_rows`, `batch_wait_limit_seconds`, `validate_records`).
 */
export class SdkSettings {
  @Setting({
    name: 'maximum_batch_size_mb',
    description: 'Flush when buffered record lines pass this many MiB.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @IsPositive()
  maximumBatchSizeMb?: number;

  @Setting({ name: 'batch_size_rows', description: 'Flush a stream once its batch holds this many records.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  batchSizeRows?: number;

  @Setting({
    name: 'batch_wait_limit_seconds',
    description:
      'Flush a stream once its oldest buffered record has waited this long, even while input is idle.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @IsPositive()
  batchWaitLimitSeconds?: number;

  @Setting({
    name: 'validate_records',
    description:
      'Check each record against its stream schema. A value the destination cannot store (wrong type, bad ' +
      'date-time) makes the record invalid; one that only breaks a constraint (maxLength, bounds, multipleOf, ' +
      'pattern, enum, format) is loaded and reported, unless strict_validation is true.',
  })
  @IsOptional()
  @IsBoolean()
  validateRecords?: boolean;

  @Setting({
    name: 'strict_validation',
    description:
      'Treat a value that breaks a schema constraint (maxLength, bounds, multipleOf, pattern, enum, format) as ' +
      'an invalid record under invalid_record_policy, as a full JSON Schema validator would.',
  })
  @IsOptional()
  @IsBoolean()
  strictValidation?: boolean;

  @Setting({
    name: 'invalid_record_policy',
    description:
      'What to do with a record that fails its schema or lacks a key property: fail, skip, dead_letter.',
  })
  @IsOptional()
  @IsIn(['fail', 'skip', 'dead_letter'])
  invalidRecordPolicy?: InvalidRecordPolicy;

  @Setting({
    name: 'extra_properties',
    description:
      'Record properties the schema does not declare: warn (load without them, one warning a batch), fail ' +
      '(reject the record; invalid_record_policy applies), ignore.',
  })
  @IsOptional()
  @IsIn(['warn', 'fail', 'ignore'])
  extraProperties?: ExtraPropertiesPolicy;

  @Setting({
    name: 'dead_letter_path',
    description: 'JSON-lines file for invalid records (policy dead_letter).',
  })
  @IsOptional()
  @IsString()
  deadLetterPath?: string;

  @Setting({ name: 'max_line_bytes', description: 'Refuse input lines longer than this many bytes.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  maxLineBytes?: number;

  @Setting({
    name: 'stop_grace_period_seconds',
    description:
      'After SIGTERM or SIGINT, how long the buffered records may take to export before the run exits (143 or 130) ' +
      'without writing any further state. Default 30.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @IsPositive()
  stopGracePeriodSeconds?: number;

  @Setting({
    name: 'encode_threads',
    description:
      'Worker threads that encode sealed batches while the main thread reads on (for a destination with an ' +
      'encoder); 0 encodes on the main thread. Default: the number of cores minus one, at most 4 (0 on two ' +
      'cores for an encoder that can encode records as they are read, such as dest-postgres).',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  encodeThreads?: number;

  /** The loop settings these values override. */
  toRunSettings(): Partial<RunSettings> {
    return {
      maxBatchBytes:
        this.maximumBatchSizeMb === undefined ? undefined : Math.round(this.maximumBatchSizeMb * MIB),
      batchSizeRows: this.batchSizeRows,
      batchWaitLimitMs:
        this.batchWaitLimitSeconds === undefined ? undefined : this.batchWaitLimitSeconds * 1000,
      validateRecords: this.validateRecords,
      strictValidation: this.strictValidation,
      invalidRecordPolicy: this.invalidRecordPolicy,
      extraProperties: this.extraProperties,
      deadLetterPath: this.deadLetterPath,
      maxLineBytes: this.maxLineBytes,
      stopGracePeriodMs:
        this.stopGracePeriodSeconds === undefined ? undefined : this.stopGracePeriodSeconds * 1000,
      encodeThreads: this.encodeThreads,
    };
  }
}
