import { ExactNumber, type EncodeContext, type SdcColumnName, type SdcValues } from '@singer-dest/sdk';
import { METADATA_COLUMNS, type StreamLayout } from './batch-plan';
import type { PostgresConfig } from './config';
import { COPY_NULL, encodeJsonValue, encodePlainValue, type NulPolicy } from './copy-encoder';
import { PostgresDestinationError } from './errors';
import type { ColumnKind, ColumnType } from './type-mapping';
import { integerOutsideInt64 } from './type-mapping';

/** Staging-only columns. Upper case: no property name maps to them (names are lower-cased). */
export const ROW_COLUMN = '_SDC_ROW';
export const DELETE_FLAG_COLUMN = '_SDC_DELETE';

/** A column of the COPY lines: its PostgreSQL name and type, and where each record's value comes from. */
export interface LineColumn {
  name: string;
  type: ColumnType;
  /** The property or metadata name, for messages. */
  label: string;
  /** Written as JSON text (json/jsonb column). */
  json: boolean;
  /**
   * The SQL type the COPY text is written for (the column's type when the encoder was made, or its new type):
   * the staging table's column type. Another process may widen the table's column later; the merge converts.
   */
  stageType: string;
  /** Only in the staging table, never in the target. */
  stageOnly: boolean;
  valueOf: (context: EncodeContext) => unknown;
}

/** What the encoder needs to know besides the layout. */
export interface StreamEncoderOptions {
  config: PostgresConfig;
  /** Kinds of the table's existing columns by name (json-ness decides how values are written). */
  kinds: ReadonlyMap<string, ColumnKind>;
  /** SQL types (`format_type`) of the table's existing columns by name. */
  sqlTypes: ReadonlyMap<string, string>;
  /** Upsert: add the input line (to keep the last record per key) and, with hard_delete, the delete flag. */
  upsert: boolean;
  /** The run's metadata values (`_sdc_*`, one meaning each, see the SDK). */
  metadata: SdcValues;
}

function isDeleted(record: Record<string, unknown>): boolean {
  const value = record._sdc_deleted_at;
  return value !== undefined && value !== null;
}

/**
 * Turns each record of one stream into one line of COPY text as it is read (`@EncodeRecord`), so a batch is
 * held as the bytes PostgreSQL will parse, and every record is parsed once. The column list is fixed per stream
 * schema: the properties, the metadata columns, and for upsert the staging-only input line and delete flag.
 *
 * @example
 * ```ts
 * const encoder = new StreamEncoder(layout, { config, kinds, sqlTypes, upsert: true, metadata: new SdcValues() });
 * encoder.encode(context); // '1\tAda\t2024-01-01T00:00:00Z\t...\t17\n'
 * ```
 */
export class StreamEncoder {
  readonly columns: readonly LineColumn[];
  /** Bigint columns that met an integer beyond 64 bits: the next flush widens them to numeric. */
  readonly needsNumeric = new Set<string>();
  private readonly bigintColumns: { property: string; name: string }[];
  /** One NUL policy per column, reporting the record being encoded (no object per value). */
  private readonly nulPolicies: NulPolicy[];
  private current: EncodeContext | undefined;

  constructor(
    readonly layout: StreamLayout,
    options: StreamEncoderOptions,
  ) {
    const { config, kinds, sqlTypes } = options;
    const json = (name: string, type: ColumnType) => (kinds.get(name) ?? type) === 'jsonb';
    // A timestamp-without-zone column is staged as timestamptz: the cast into the table converts to UTC.
    const stageType = (name: string, type: ColumnType) =>
      kinds.get(name) === 'timestamp' ? 'timestamptz' : (sqlTypes.get(name) ?? type);
    const columns: LineColumn[] = layout.properties.map(({ property, name, type }) => ({
      name,
      type,
      label: property,
      json: json(name, type),
      stageType: stageType(name, type),
      stageOnly: false,
      valueOf: (c: EncodeContext) => c.record[property],
    }));
    const metadata = (name: string, type: ColumnType, valueOf: (c: EncodeContext) => unknown) =>
      columns.push({
        name,
        type,
        label: name,
        json: json(name, type),
        stageType: stageType(name, type),
        stageOnly: false,
        valueOf,
      });
    // Per record, in the SDK's order; _sdc_batched_at is one value a batch, set by the merge (see Loader).
    const sdc = options.metadata;
    const valueOf = (name: SdcColumnName) => (c: EncodeContext) =>
      sdc.valueOf(name, { message: c.message, receivedAt: c.receivedAt, batchedAt: 0, line: c.line });
    for (const [name, type] of METADATA_COLUMNS) {
      const wanted =
        name === '_sdc_table_version'
          ? config.addRecordMetadata || config.activateVersion
          : config.addRecordMetadata;
      if (wanted && name !== '_sdc_batched_at') metadata(name, type, valueOf(name));
    }
    if (options.upsert) {
      columns.push({
        name: ROW_COLUMN,
        type: 'bigint',
        label: 'input line',
        json: false,
        stageType: 'bigint',
        stageOnly: true,
        valueOf: (c) => c.line,
      });
      if (config.hardDelete) {
        const valueOf = (c: EncodeContext) => isDeleted(c.record);
        columns.push({
          name: DELETE_FLAG_COLUMN,
          type: 'boolean',
          label: 'delete',
          json: false,
          stageType: 'boolean',
          stageOnly: true,
          valueOf,
        });
      }
    }
    this.columns = columns;
    this.bigintColumns = layout.properties
      .filter((p) => p.type === 'bigint' && (kinds.get(p.name) ?? 'bigint') === 'bigint')
      .map(({ property, name }) => ({ property, name }));
    this.nulPolicies = columns.map((column) => ({
      sanitize: config.sanitizeNullTextCharacters,
      onNul: () => {
        throw new PostgresDestinationError(
          'ERR_PG_NUL_CHARACTER',
          `property "${column.label}" contains a NUL character (U+0000), which PostgreSQL cannot store in text or ` +
            'jsonb. Remove it in the tap, or set sanitize_null_text_characters to true to replace it with U+FFFD',
          { line: this.current?.line, stream: this.current?.stream },
        );
      },
    }));
  }

  /** The COPY text line of one record (with its newline). Throws on a NUL character unless sanitizing. */
  encode(context: EncodeContext): string {
    for (const { property, name } of this.bigintColumns) {
      const value = context.record[property];
      if (value instanceof ExactNumber && integerOutsideInt64(value.text)) this.needsNumeric.add(name);
    }
    this.current = context;
    let line = '';
    const columns = this.columns;
    const last = columns.length - 1;
    for (let c = 0; c <= last; c++) {
      const column = columns[c]!;
      const value = column.valueOf(context);
      if (value === undefined || value === null) line += COPY_NULL;
      else if (column.json) line += encodeJsonValue(value, this.nulPolicies[c]!);
      else line += encodePlainValue(value, this.nulPolicies[c]!);
      line += c === last ? '\n' : '\t';
    }
    return line;
  }
}
