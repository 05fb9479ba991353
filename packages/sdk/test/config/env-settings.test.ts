import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsNumber, IsOptional, IsString } from 'class-validator';
import { Destination, ExportBatch, Setting } from '../../src/index';
import { resolveDestination } from '../../src/testing/index';
import { coerceEnvValue, envPrefix, envVariableName, readEnvSettings } from '../../src/config/env-settings';

describe('environment settings', () => {
  it('names variables <NAME>_<SETTING>, upper-cased, with dashes as underscores', () => {
    assert.equal(envPrefix({ name: 'dest-csv' }), 'DEST_CSV_');
    assert.equal(envVariableName({ name: 'dest-csv' }, 'output_path'), 'DEST_CSV_OUTPUT_PATH');
    assert.equal(envVariableName({ name: 'target.my-db' }, 'host'), 'TARGET_MY_DB_HOST');
  });

  it('converts text to the setting type, and leaves text that does not convert for validation to report', () => {
    assert.equal(coerceEnvValue('TRUE', { type: 'boolean' }), true);
    assert.equal(coerceEnvValue('0', { type: 'boolean' }), false);
    assert.equal(coerceEnvValue('maybe', { type: 'boolean' }), 'maybe');
    assert.equal(coerceEnvValue('250', { type: 'integer' }), 250);
    assert.equal(coerceEnvValue('-1.5e3', { type: 'number' }), -1500);
    assert.equal(coerceEnvValue('12abc', { type: 'integer' }), '12abc');
    assert.deepEqual(coerceEnvValue('["a","b"]', { type: 'array' }), ['a', 'b']);
    assert.equal(coerceEnvValue('a,b', { type: 'array' }), 'a,b');
    assert.equal(coerceEnvValue('007', { type: 'string' }), '007');
    assert.equal(coerceEnvValue('007', {}), '007');
  });

  it("reads the destination's and the SDK's settings from the environment, skipping empty and foreign variables", () => {
    class EnvConfig {
      @Setting({ name: 'path' }) @IsString() path = 'out';
      @Setting({ name: 'ratio' }) @Type(() => Number) @IsNumber() ratio = 1;
      @Setting({ name: 'flag' }) @IsOptional() @IsBoolean() flag?: boolean;
      @Setting({ name: 'tags' }) @IsOptional() @IsArray() tags?: string[];
    }
    @Destination({ name: 'dest-env', config: EnvConfig })
    class EnvDestination {
      @ExportBatch
      write() {}
    }
    const result = readEnvSettings(resolveDestination(EnvDestination), {
      DEST_ENV_PATH: '/data',
      DEST_ENV_RATIO: '0.5',
      DEST_ENV_FLAG: 'yes',
      DEST_ENV_TAGS: '',
      DEST_ENV_BATCH_SIZE_ROWS: '100',
      DEST_ENV_UNKNOWN: 'x',
      OTHER_PATH: '/elsewhere',
    });
    assert.deepEqual(result.values, { path: '/data', ratio: 0.5, flag: true, batch_size_rows: 100 });
    assert.deepEqual(result.variables, {
      path: 'DEST_ENV_PATH',
      ratio: 'DEST_ENV_RATIO',
      flag: 'DEST_ENV_FLAG',
      batch_size_rows: 'DEST_ENV_BATCH_SIZE_ROWS',
    });
  });

  it('reads MELTANO_LOAD_<SETTING>, as Meltano also exports it for a loader, and lets the own name win', () => {
    class LoadConfig {
      @Setting({ name: 'path' }) @IsString() path = 'out';
      @Setting({ name: 'ratio' }) @Type(() => Number) @IsNumber() ratio = 1;
    }
    @Destination({ name: 'dest-load', config: LoadConfig })
    class LoadDestination {
      @ExportBatch
      write() {}
    }
    const result = readEnvSettings(resolveDestination(LoadDestination), {
      MELTANO_LOAD_PATH: '/meltano',
      DEST_LOAD_PATH: '/own',
      MELTANO_LOAD_RATIO: '0.25',
      MELTANO_LOAD_BATCH_SIZE_ROWS: '',
      MELTANO_EXTRACT_RATIO: '9',
    });
    assert.deepEqual(result.values, { path: '/own', ratio: 0.25 });
    assert.deepEqual(result.variables, { path: 'DEST_LOAD_PATH', ratio: 'MELTANO_LOAD_RATIO' });
  });
});
