import type { Logger } from '@singer-dest/sdk';
import { ExactNumber, type SdcColumnName, type SdcFacts, type SdcValues } from '@singer-dest/sdk/toolkit';
import { METADATA_COLUMNS, type StreamLayout } from './batch-plan';
import { checkOf, integerLiteral, type ColumnCheck } from './column-check';
import { fastWriterOf, type FastWriter } from './column-writer';
import type { PostgresConfig } from './config';
import { COPY_NULL, encodeJsonValue, encodePlainValue, type NulPolicy } from './copy-encoder';
import { PostgresDestinationError } from './errors';
import type { EncodeContext } from './record-context';
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

/** A line column with how its values are written, fixed when the encoder is made. */
interface WritingColumn extends LineColumn {
  /** The fast path: COPY text for a value a cheap test proves fine, else `undefined` (see column-writer.ts). */
  write: FastWriter;
  /** An integer column: a value that is not a safe integer is written as its plain digits. */
  integer: boolean;
  /** A bigint column dest-postgres may widen to numeric when a value needs more than 64 bits. */
  widens: boolean;
  /** Its NUL character error (for the record being encoded). */
  nulError: (context: EncodeContext) => PostgresDestinationError;
}

/** What the encoder needs to know besides the layout. */
export interface StreamEncoderOptions {
  config: Pick<
    PostgresConfig,
    'addRecordMetadata' | 'activateVersion' | 'hardDelete' | 'sanitizeNullTextCharacters'
  >;
  /** Kinds of the table's existing columns by name (json-ness decides how values are written). */
  kinds: ReadonlyMap<string, ColumnKind>;
  /** SQL types (`format_type`) of the table's existing columns by name (with the kind: what is checked). */
  sqlTypes: ReadonlyMap<string, string>;
  /** Upsert: add the input line (to keep the last record per key) and, with hard_delete, the delete flag. */
  upsert: boolean;
  /** The run's metadata values (`_sdc_*`, one meaning each, see the SDK). */
  metadata: SdcValues;
  /** For warnings about values that were replaced (a malformed `_sdc_deleted_at`). */
  logger: Pick<Logger, 'warn'>;
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

/** A fast writer that remembers its last value's text (for a value most records repeat). */
function lastWritten(write: FastWriter): FastWriter {
  let last: unknown;
  let text: string | undefined;
  return (value) => {
    if (value !== last) {
      text = write(value);
      last = value;
    }
    return text;
  };
}

/** How many malformed `_sdc_deleted_at` values of one stream are warned about one by one. */
const DELETION_WARNINGS = 10;

/**
 * Turns each record of one stream into one line of COPY text (in the SDK's encode stage, see copy-lines.ts), so
 * the export hands PostgreSQL the bytes it parses. The column list is fixed per stream
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
  /**
   * True when a record encoded since the last {@link StreamEncoder.takeKeyOnlyDeletes} was a key-only delete. The
   * SDK takes an encoder's notes after each part of a batch it encoded, so this says whether that part holds one.
   */
  private keyOnlyDeletesMet = false;
  /** The same columns with how each writes its values. */
  private readonly writing: readonly WritingColumn[];
  /** Each column's text of the record being encoded (every slot is written for every record, then joined). */
  private readonly texts: string[];
  private readonly logger: Pick<Logger, 'warn'>;
  private malformedDeletions = 0;
  private readonly sqlTypes: ReadonlyMap<string, string>;
  private readonly sanitize: boolean;

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
    // One facts object, refilled for each value (SdcValues keeps none): no object per record and column.
    const facts: { -readonly [K in keyof SdcFacts]: SdcFacts[K] } = {
      message: undefined!,
      receivedAt: 0,
      batchedAt: 0,
      line: 0,
    };
    const valueOf = (name: SdcColumnName) => (c: EncodeContext) => {
      facts.message = c.message;
      facts.receivedAt = c.receivedAt;
      facts.line = c.line;
      return sdc.valueOf(name, facts);
    };
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
          valueOf: (c) => {
            const keyOnly = isKeyOnlyDelete(c.record, keyProperties);
            if (keyOnly) this.keyOnlyDeletesMet = true;
            return keyOnly;
          },
          check: undefined,
        });
      }
    }
    this.columns = columns;
    this.texts = columns.map(() => '');
    this.sanitize = config.sanitizeNullTextCharacters;
    this.writing = columns.map((column) => {
      const existingColumn = column.stageOnly ? undefined : existing.get(column.name);
      const kind = existingColumn?.kind ?? column.type;
      // Only a bigint column dest-postgres may widen: an int2/int4 column of another tool is checked, not changed.
      const widens = column.type === 'bigint' && (existingColumn?.sqlType ?? 'bigint') === 'bigint';
      let write = fastWriterOf({
        type: column.type,
        existing: existingColumn,
        json: column.json,
        checked: column.check !== undefined,
      });
      if (column.name === '_sdc_extracted_at') write = lastWritten(write);
      return {
        ...column,
        write,
        integer: !column.stageOnly && kind === 'bigint',
        widens: !column.stageOnly && kind === 'bigint' && widens,
        nulError: (context: EncodeContext) =>
          new PostgresDestinationError(
            'ERR_PG_NUL_CHARACTER',
            `property "${column.label}" contains a NUL character (U+0000), which PostgreSQL cannot store in text or ` +
              'jsonb. Remove it in the tap, or set sanitize_null_text_characters to true to replace it with U+FFFD',
            { line: context.line, stream: context.stream },
          ),
      };
    });
  }

  /**
   * Whether a record encoded since the last call was a key-only delete, and starts counting afresh: each batch
   * (each part of one, on threads) says for itself whether the upsert must look for them.
   */
  takeKeyOnlyDeletes(): boolean {
    const met = this.keyOnlyDeletesMet;
    this.keyOnlyDeletesMet = false;
    return met;
  }

  /**
   * The COPY text line of one record (with its newline). Throws when a value cannot go into its column (naming
   * the property and column) and on a NUL character unless sanitizing; the SDK then rejects the record by its line.
   * Each value takes its column's fast writer, and the full path only when that declines.
   */
  encode(context: EncodeContext): string {
    const columns = this.writing;
    const texts = this.texts;
    const last = columns.length - 1;
    for (let c = 0; c <= last; c++) {
      const column = columns[c]!;
      const value = column.valueOf(context);
      let text: string | undefined;
      if (value === undefined || value === null) text = COPY_NULL;
      else text = column.write(value) ?? this.written(column, value, context);
      texts[c] = c === last ? text + '\n' : text;
    }
    // One flat string: a concatenation per value made two string objects each, and the line was copied flat again
    // when the SDK wrote it (measured: a third less allocated by encode, so fewer young-generation collections).
    return texts.join('\t');
  }

  /**
   * The full path for one value: its column's check (a refused value rejects the record, or for
   * `_sdc_deleted_at` is replaced), an integer as its plain digits (noting a bigint column that must widen), and
   * text or JSON under the NUL policy.
   */
  private written(column: WritingColumn, value: unknown, context: EncodeContext): string {
    let written = value;
    const problem = column.check?.(value);
    if (problem !== undefined) written = this.refused(column, problem, context);
    if (
      column.integer &&
      (typeof written === 'number' || written instanceof ExactNumber) &&
      !(typeof written === 'number' && Number.isSafeInteger(written))
    ) {
      const literal = integerLiteral(written)!; // the check let only integers through
      if (column.widens && integerOutsideInt64(literal)) this.needsNumeric.add(column.name);
      return literal;
    }
    const nul: NulPolicy = {
      sanitize: this.sanitize,
      onNul: () => {
        throw column.nulError(context);
      },
    };
    return column.json ? encodeJsonValue(written, nul) : encodePlainValue(written, nul);
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
