import {
  ExactNumber,
  type EncodeContext,
  type Logger,
  type SdcColumnName,
  type SdcValues,
} from '@singer-dest/sdk';
import { METADATA_COLUMNS, type StreamLayout } from './batch-plan';
import { checkOf, integerLiteral, type ColumnCheck } from './column-check';
import type { PostgresConfig } from './config';
import { COPY_NULL, encodeJsonValue, encodePlainValue, type NulPolicy } from './copy-encoder';
import { PostgresDestinationError } from './errors';
import type { ColumnKind, ColumnType } from './type-mapping';
import { integerOutsideInt64 } from './type-mapping';
import { deletionOf, isKeyOnlyDelete, DELETED_AT } from './deletes';

/** Staging-only columns. Upper case: no property name maps to them (names are lower-cased). */
export const ROW_COLUMN = '_SDC_ROW';
export const DELETE_FLAG_COLUMN = '_SDC_DELETE';
/** Staging-only: the record is a key-only delete (see {@link isKeyOnlyDelete}), so the row keeps its other values. */
export const KEY_ONLY_COLUMN = '_SDC_KEY_ONLY';

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
  /** Why a value cannot go into the column, checked as the record is read; none for text and jsonb. */
  check: ColumnCheck | undefined;
}

/** What the encoder needs to know besides the layout. */
export interface StreamEncoderOptions {
  config: PostgresConfig;
  /** Kinds of the table's existing columns by name (json-ness decides how values are written). */
  kinds: ReadonlyMap<string, ColumnKind>;
  /** SQL types (`format_type`) of the table's existing columns by name (with the kind: what is checked). */
  sqlTypes: ReadonlyMap<string, string>;
  /** Upsert: add the input line (to keep the last record per key) and, with hard_delete, the delete flag. */
  upsert: boolean;
  /** The run's metadata values (`_sdc_*`, one meaning each, see the SDK). */
  metadata: SdcValues;
  /** For warnings about values that were replaced (a malformed `_sdc_deleted_at`). */
  logger: Logger;
}

function isDeleted(record: Record<string, unknown>): boolean {
  const value = record[DELETED_AT];
  return value !== undefined && value !== null;
}

/** A check that remembers its last value's verdict (for a value most records repeat). */
function lastVerdict(check: ColumnCheck): ColumnCheck {
  let last: unknown;
  let verdict: string | undefined;
  return (value) => {
    if (value !== last) {
      verdict = check(value);
      last = value;
    }
    return verdict;
  };
}

/** How many malformed `_sdc_deleted_at` values of one stream are warned about one by one. */
const DELETION_WARNINGS = 10;

/**
 * Turns each record of one stream into one line of COPY text as it is read (`@EncodeRecord`), so a batch is
 * held as the bytes PostgreSQL will parse, and every record is parsed once. The column list is fixed per stream
 * schema: the properties, the metadata columns, and for upsert the staging-only input line and delete flag.
 *
 * @example
 * ```ts
 * const encoder = new StreamEncoder(layout, { config, kinds, sqlTypes, upsert: true, metadata: new SdcValues(), logger });
 * encoder.encode(context); // '1\tAda\t2024-01-01T00:00:00Z\t...\t17\n'
 * ```
 */
export class StreamEncoder {
  readonly columns: readonly LineColumn[];
  /** Bigint columns that met an integer beyond 64 bits: the next flush widens them to numeric. */
  readonly needsNumeric = new Set<string>();
  /** Integer columns: values are written as plain digits; `widens` marks the bigint ones that may become numeric. */
  private readonly integerColumns: { index: number; widens: boolean }[];
  private readonly logger: Logger;
  private malformedDeletions = 0;
  private readonly values: unknown[] = [];
  private readonly sqlTypes: ReadonlyMap<string, string>;
  /** One NUL policy per column, reporting the record being encoded (no object per value). */
  private readonly nulPolicies: NulPolicy[];
  private current: EncodeContext | undefined;

  constructor(
    readonly layout: StreamLayout,
    options: StreamEncoderOptions,
  ) {
    const { config, kinds, sqlTypes } = options;
    this.logger = options.logger;
    this.sqlTypes = sqlTypes;
    const existing = new Map(
      [...kinds].map(([name, kind]) => [name, { kind, sqlType: sqlTypes.get(name) ?? kind }]),
    );
    const json = (name: string, type: ColumnType) => (kinds.get(name) ?? type) === 'jsonb';
    const check = (name: string, type: ColumnType) => checkOf({ type, existing: existing.get(name) });
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
      check: check(name, type),
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
        check: check(name, type),
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
    for (const column of columns) {
      // Values the run makes itself need no check; the tap's time_extracted repeats, so its last verdict is kept.
      if (column.name === '_sdc_received_at' || column.name === '_sdc_sequence') column.check = undefined;
      else if (column.name === '_sdc_extracted_at' && column.check !== undefined)
        column.check = lastVerdict(column.check);
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
        check: undefined,
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
          check: undefined,
        });
      } else {
        const keyProperties = new Set(
          layout.properties.filter((p) => layout.keys.includes(p.name)).map((p) => p.property),
        );
        columns.push({
          name: KEY_ONLY_COLUMN,
          type: 'boolean',
          label: 'key-only delete',
          json: false,
          stageType: 'boolean',
          stageOnly: true,
          valueOf: (c) => isKeyOnlyDelete(c.record, keyProperties),
          check: undefined,
        });
      }
    }
    this.columns = columns;
    this.integerColumns = [];
    columns.forEach((column, index) => {
      if (column.stageOnly) return;
      const kind = existing.get(column.name)?.kind ?? column.type;
      if (kind !== 'bigint') return;
      // Only a bigint column dest-postgres may widen: an int2/int4 column of another tool is checked, not changed.
      const sqlType = existing.get(column.name)?.sqlType ?? 'bigint';
      this.integerColumns.push({ index, widens: column.type === 'bigint' && sqlType === 'bigint' });
    });
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
    this.current = context;
    const columns = this.columns;
    const values = this.values; // reused: encode is synchronous
    for (let c = 0; c < columns.length; c++) values[c] = columns[c]!.valueOf(context);
    for (let c = 0; c < columns.length; c++) {
      const value = values[c];
      const check = columns[c]!.check;
      if (value === undefined || value === null || check === undefined) continue;
      const problem = check(value);
      if (problem !== undefined) values[c] = this.refused(columns[c]!, problem, context);
    }
    for (const { index, widens } of this.integerColumns) {
      const value = values[index];
      if (typeof value === 'number' && Number.isSafeInteger(value)) continue;
      if (typeof value !== 'number' && !(value instanceof ExactNumber)) continue;
      const literal = integerLiteral(value)!; // the check let only integers through
      values[index] = literal;
      if (widens && integerOutsideInt64(literal)) this.needsNumeric.add(columns[index]!.name);
    }
    let line = '';
    const last = columns.length - 1;
    for (let c = 0; c <= last; c++) {
      const value = values[c];
      if (value === undefined || value === null) line += COPY_NULL;
      else if (columns[c]!.json) line += encodeJsonValue(value, this.nulPolicies[c]!);
      else line += encodePlainValue(value, this.nulPolicies[c]!);
      line += c === last ? '\n' : '\t';
    }
    return line;
  }

  /**
   * A value its column cannot take: the record is rejected by its line, except a malformed `_sdc_deleted_at`,
   * which must not lose the delete: the row is marked deleted at the record's receive time, with a warning.
   */
  private refused(column: LineColumn, problem: string, context: EncodeContext): unknown {
    if (column.name === DELETED_AT) {
      const { deletedAt, warning } = deletionOf(context, problem);
      this.malformedDeletions++;
      if (this.malformedDeletions <= DELETION_WARNINGS) {
        const more =
          this.malformedDeletions === DELETION_WARNINGS
            ? ` (further ones in stream "${context.stream}" are not logged one by one)`
            : '';
        this.logger.warn(
          { line: context.line, stream: context.stream, code: 'W_PG_DELETED_AT' },
          warning + more,
        );
      }
      return deletedAt;
    }
    throw new PostgresDestinationError(
      'ERR_PG_VALUE_REJECTED',
      `property "${column.label}" ${problem}, so its ${this.sqlTypes.get(column.name) ?? column.type} column cannot hold it`,
      { line: context.line, stream: context.stream },
    );
  }
}
