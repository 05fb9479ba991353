import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@singer-dest/sdk';
import { configOf } from './support/csv';

describe('CsvConfig', () => {
  it('defaults to target-csv names and values, with ./output and RFC 4180', () => {
    const config = configOf({});
    assert.equal(config.outputPath, 'output');
    assert.equal(config.fileNamingScheme, '{stream_name}.csv');
    assert.equal(config.datestampFormat, '%Y-%m-%d');
    assert.equal(config.timestampFormat, '%Y-%m-%d.T%H%M%S');
    assert.equal(config.timestampTimezone, 'UTC');
    assert.equal(config.overwriteBehavior, 'append_records');
    assert.equal(config.delimiter, ',');
    assert.equal(config.quoteCharacter, '"');
    assert.equal(config.escapeCharacter, undefined);
    assert.equal(config.lineTerminator, '\r\n');
    assert.equal(config.encoding, 'utf-8');
  });

  it('lists every invalid setting at once, by its JSON name', () => {
    assert.throws(
      () =>
        configOf({
          delimiter: ';;',
          quote_character: '\n',
          file_naming_scheme: '../{stream_name}.csv',
          datestamp_format: '%Q',
          timestamp_timezone: 'Mars/Olympus',
          overwrite_behavior: 'truncate',
          encoding: 'ebcdic',
          flattening_max_depth: 0,
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((p) => p.path).sort(), [
          'datestamp_format',
          'delimiter',
          'encoding',
          'file_naming_scheme',
          'flattening_max_depth',
          'overwrite_behavior',
          'quote_character',
          'timestamp_timezone',
        ]);
        assert.match(error.message, /delimiter: delimiter must be exactly one character other than CR or LF/);
        return true;
      },
    );
  });

  it('refuses a delimiter equal to the quote character, and absolute or escaping naming schemes', () => {
    assert.throws(() => configOf({ delimiter: '"' }), {
      message: /delimiter: delimiter must differ from quote_character/,
    });
    for (const scheme of ['/etc/{stream_name}', 'a/../{stream_name}', '{stream}.csv', 'a\\b.csv']) {
      assert.throws(() => configOf({ file_naming_scheme: scheme }), ConfigError, scheme);
    }
    assert.equal(
      configOf({ file_naming_scheme: 'by-date/{datestamp}/{stream_name}.csv' }).fileNamingScheme,
      'by-date/{datestamp}/{stream_name}.csv',
    );
  });
});
