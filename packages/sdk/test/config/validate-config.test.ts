import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Min } from 'class-validator';
import { ConfigError, Destination, ExportBatch, Setting } from '../../src/index';
import { resolveDestination, validateConfig } from '../../src/testing/index';

describe('validateConfig', () => {
  class CheckedConfig {
    @Setting({ name: 'output_dir' }) @IsString() outputDir!: string;
    @Setting({ name: 'workers' }) @Type(() => Number) @IsInt() @Min(1) workers = 2;
    @Setting({ name: 'style' }) @IsIn(['wide', 'narrow']) style = 'wide';
    @Setting({ name: 'token', secret: true }) @IsString() token = '';
  }
  @Destination({ name: 'dest-checked', config: CheckedConfig })
  class CheckedDestination {
    @ExportBatch
    write() {}
  }
  const definition = resolveDestination(CheckedDestination);

  it('reports every invalid field at once, each with its rule and the source it came from', () => {
    const raw = { workers: 0, style: 'tall', batch_size_rows: 'many', token: 'abc-secret-token' };
    const sources = {
      workers: 'a.json',
      style: 'b.json',
      batch_size_rows: 'env DEST_CHECKED_BATCH_SIZE_ROWS',
      token: 'a.json',
    };
    let caught: unknown;
    try {
      validateConfig(definition, raw, 'a.json, b.json', sources);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ConfigError);
    assert.equal(caught.code, 'ERR_INVALID_CONFIG');
    assert.equal(
      caught.message,
      [
        'Invalid config in a.json, b.json for CheckedDestination:',
        '  - batch_size_rows: batch_size_rows must not be less than 1 (min) [env DEST_CHECKED_BATCH_SIZE_ROWS]',
        '  - batch_size_rows: batch_size_rows must be an integer number (isInt) [env DEST_CHECKED_BATCH_SIZE_ROWS]',
        '  - output_dir: output_dir must be a string (isString) [not set]',
        '  - workers: workers must not be less than 1 (min) [a.json]',
        '  - style: style must be one of the following values: wide, narrow (isIn) [b.json]',
      ].join('\n'),
    );
    assert.deepEqual(
      caught.problems.map((p) => [p.path, p.rule]),
      [
        ['batch_size_rows', 'min'],
        ['batch_size_rows', 'isInt'],
        ['output_dir', 'isString'],
        ['workers', 'min'],
        ['style', 'isIn'],
      ],
    );
    assert.ok(!caught.message.includes('abc-secret-token'));
  });

  it('returns the config instance, the SDK settings, unknown keys and secret names', () => {
    const result = validateConfig(definition, {
      output_dir: '/out',
      workers: '4',
      batch_size_rows: 10,
      typo: 1,
    });
    assert.ok(result.config instanceof CheckedConfig);
    assert.deepEqual({ ...result.config }, { outputDir: '/out', workers: 4, style: 'wide', token: '' });
    assert.equal(result.settings.batchSizeRows, 10);
    assert.deepEqual(result.unknownKeys, ['typo']);
    assert.deepEqual(result.secretNames, ['token']);
  });
});
