import { Setting, TableSetting } from '@singer-dest/sdk';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsTimeZone,
  Matches,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';

/** Exactly one character that is not a line break. */
const ONE_CHARACTER = /^[^\r\n]$/;
const ONE_CHARACTER_MESSAGE = '$property must be exactly one character other than CR or LF';
/** Python strftime codes we support (the subset MeltanoLabs' target-csv users write). */
const STRFTIME = /^(?:[^%]|%[YmdHMSfyjzZaAbBpI%])*$/;
const STRFTIME_MESSAGE =
  '$property must use only the strftime codes %Y %m %d %H %M %S %f %y %j %z %Z %a %A %b %B %p %I %%';
/** Placeholders, no absolute path, no `.` or `..` segment, no backslash. */
const NAMING_SCHEME =
  /^(?!\/)(?!(?:.*\/)?\.\.?(?:\/|$))(?:[^{}\\\0]|\{(?:stream_name|datestamp|timestamp)\})+$/;

/** The encodings `encoding` accepts (Python's names, as target-csv takes them). */
export const ENCODINGS = ['utf-8', 'utf-8-sig', 'utf-16le', 'latin-1', 'ascii'] as const;
export type CsvEncoding = (typeof ENCODINGS)[number];

/** Fails when the value equals a sibling property (e.g. a delimiter equal to the quote); `name` is its JSON key. */
function DiffersFrom(other: keyof CsvConfig, name: string): PropertyDecorator {
  return ValidateBy({
    name: 'differsFrom',
    validator: {
      validate: (value, args) => (args?.object as CsvConfig)[other] !== value,
      defaultMessage: (args) => `${args?.property} must differ from ${name}`,
    },
  });
}

/**
 * dest-csv's settings: MeltanoLabs target-csv's names and defaults where it has the setting, so a config written
 * for target-csv works unchanged.
 *
 * @example
 * ```json
 * { "output_path": "out", "file_naming_scheme": "{stream_name}-{datestamp}.csv", "overwrite_behavior": "replace_file" }
 * ```
 */
export class CsvConfig {
  @Setting({
    name: 'output_path',
    description: 'Directory for the CSV files; created if missing.',
    example: 'output',
  })
  @IsString()
  outputPath = 'output';

  @TableSetting.table('File name (in place of {stream_name})')
  table?: string;

  @Setting({
    name: 'file_naming_scheme',
    description:
      'File name (relative to output_path) with {stream_name}, {datestamp} and {timestamp} placeholders.',
  })
  @Matches(NAMING_SCHEME, {
    message:
      '$property must be a relative path using only {stream_name}, {datestamp} and {timestamp}, without ".." or "\\"',
  })
  fileNamingScheme = '{stream_name}.csv';

  @Setting({ name: 'datestamp_format', description: 'Python strftime format of {datestamp}.' })
  @Matches(STRFTIME, { message: STRFTIME_MESSAGE })
  datestampFormat = '%Y-%m-%d';

  @Setting({ name: 'timestamp_format', description: 'Python strftime format of {timestamp}.' })
  @Matches(STRFTIME, { message: STRFTIME_MESSAGE })
  timestampFormat = '%Y-%m-%d.T%H%M%S';

  @Setting({ name: 'timestamp_timezone', description: 'IANA time zone of {datestamp} and {timestamp}.' })
  @IsString() // says "string" in --about, which the Hub's reader needs
  @IsTimeZone()
  timestampTimezone = 'UTC';

  @Setting({
    name: 'overwrite_behavior',
    description:
      'What to do with an existing file: append_records adds rows (its header must match), replace_file starts ' +
      'afresh.',
  })
  @IsIn(['append_records', 'replace_file'])
  overwriteBehavior: 'append_records' | 'replace_file' = 'append_records';

  @Setting({ name: 'delimiter', description: 'Field delimiter.' })
  @Matches(ONE_CHARACTER, { message: ONE_CHARACTER_MESSAGE })
  @DiffersFrom('quoteCharacter', 'quote_character')
  delimiter = ',';

  @Setting({
    name: 'quote_character',
    description: 'Quote around fields holding a delimiter, quote or line break.',
  })
  @Matches(ONE_CHARACTER, { message: ONE_CHARACTER_MESSAGE })
  quoteCharacter = '"';

  @Setting({
    name: 'escape_character',
    description:
      'Written before a quote inside a quoted field. Default: the quote itself (RFC 4180 doubling).',
  })
  @IsOptional()
  @Matches(ONE_CHARACTER, { message: ONE_CHARACTER_MESSAGE })
  @DiffersFrom('delimiter', 'delimiter')
  escapeCharacter?: string;

  @Setting({ name: 'line_terminator', description: 'Row separator: "\\r\\n" (RFC 4180, Excel) or "\\n".' })
  @IsIn(['\r\n', '\n'])
  lineTerminator = '\r\n';

  @Setting({ name: 'header', description: 'Write a header row of column names.' })
  @IsBoolean()
  header = true;

  @Setting({ name: 'encoding', description: `Text encoding of the files: ${ENCODINGS.join(', ')}.` })
  @IsIn(ENCODINGS)
  encoding: CsvEncoding = 'utf-8';

  @Setting({
    name: 'flattening_enabled',
    description: 'Write nested object properties as parent__child columns.',
  })
  @IsBoolean()
  flatteningEnabled = false;

  @Setting({
    name: 'flattening_max_depth',
    description: 'Object levels to flatten; deeper values are JSON text.',
  })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  flatteningMaxDepth = 10;

  @TableSetting.recordMetadata()
  addRecordMetadata = false;

  @Setting({
    name: 'escape_formulas',
    description:
      'Prefix text starting with = + - @ (or tab, CR) with a single quote so spreadsheets do not run it.',
  })
  @IsBoolean()
  escapeFormulas = false;
}
