import type { RecordMessage } from '../contexts';
import type { LogicalType } from './stream-schema';

/** The names of the Singer metadata columns. */
export type SdcColumnName =
  | '_sdc_extracted_at'
  | '_sdc_received_at'
  | '_sdc_batched_at'
  | '_sdc_deleted_at'
  | '_sdc_sequence'
  | '_sdc_table_version';

/** One metadata column: its name, its logical type and what it means (the same in every destination). */
export interface SdcColumn {
  readonly name: SdcColumnName;
  readonly type: Extract<LogicalType, 'date-time' | 'integer'>;
  readonly meaning: string;
}

/**
 * The metadata columns a destination adds with `add_record_metadata`, in this order, with one meaning each. The
 * SDK README's table is this list.
 */
export const SDC_COLUMNS: readonly SdcColumn[] = [
  {
    name: '_sdc_extracted_at',
    type: 'date-time',
    meaning: "the RECORD's time_extracted, null when the tap sent none",
  },
  {
    name: '_sdc_received_at',
    type: 'date-time',
    meaning: 'when the destination read the RECORD line (UTC, ms)',
  },
  {
    name: '_sdc_batched_at',
    type: 'date-time',
    meaning: "when the record's batch was handed to the export (UTC, ms)",
  },
  {
    name: '_sdc_deleted_at',
    type: 'date-time',
    meaning: "the record's own _sdc_deleted_at (CDC deletes), else null",
  },
  {
    name: '_sdc_sequence',
    type: 'integer',
    meaning:
      "the run's start in microseconds since the epoch plus the record's place in the input (its line; records " +
      "of a BATCH message's files count on from the BATCH line): unique in a run, increasing in input order, and " +
      'larger in a later run',
  },
  {
    name: '_sdc_table_version',
    type: 'integer',
    meaning: "the RECORD's version (ACTIVATE_VERSION), else null",
  },
];

const SDC_NAMES: ReadonlySet<string> = new Set(SDC_COLUMNS.map((c) => c.name));

/**
 * True for a metadata column's name. A schema property of that name is not a column of its own: the metadata
 * column holds it (for `_sdc_deleted_at`, the record's value).
 *
 * @example
 * ```ts
 * isSdcColumn('_sdc_sequence'); // true
 * ```
 */
export function isSdcColumn(name: string): name is SdcColumnName {
  return SDC_NAMES.has(name);
}

/** What one record's metadata values are made from. */
export interface SdcFacts {
  readonly message: Pick<RecordMessage, 'record' | 'time_extracted' | 'version'>;
  /** When the line was read, epoch ms. */
  readonly receivedAt: number;
  /** When the batch was handed to the export, epoch ms. */
  readonly batchedAt: number;
  /** The record's place in the input order (`EncodeMeta.line`, `BatchContext.lineNumbers`). */
  readonly line: number;
}

/** A metadata value: an RFC 3339 UTC timestamp, an integer, or null. */
export type SdcValue = string | number | null;

/**
 * Makes the metadata values of records, one meaning per column ({@link SDC_COLUMNS}). Make one per run (its
 * start is the base of `_sdc_sequence`) and pass `runStartedAtUs` to any worker thread that makes values too.
 * Timestamps of one batch are formatted once.
 *
 * @example
 * ```ts
 * const sdc = new SdcValues();
 * sdc.valueOf('_sdc_sequence', { message, receivedAt, batchedAt, line: 7 }); // run start (µs) + 7
 * sdc.valuesOf({ message, receivedAt, batchedAt, line: 7 }); // six values in SDC_COLUMNS order
 * ```
 */
export class SdcValues {
  private receivedMs = NaN;
  private receivedText = '';
  private batchedMs = NaN;
  private batchedText = '';

  /** @param runStartedAtUs the run's start, microseconds since the epoch. Default: now. */
  constructor(readonly runStartedAtUs: number = Date.now() * 1000) {}

  valueOf(column: SdcColumnName, facts: SdcFacts): SdcValue {
    switch (column) {
      case '_sdc_extracted_at':
        return facts.message.time_extracted ?? null;
      case '_sdc_received_at':
        if (facts.receivedAt !== this.receivedMs) {
          this.receivedMs = facts.receivedAt;
          this.receivedText = new Date(facts.receivedAt).toISOString();
        }
        return this.receivedText;
      case '_sdc_batched_at':
        if (facts.batchedAt !== this.batchedMs) {
          this.batchedMs = facts.batchedAt;
          this.batchedText = new Date(facts.batchedAt).toISOString();
        }
        return this.batchedText;
      case '_sdc_deleted_at': {
        const value = facts.message.record._sdc_deleted_at;
        return typeof value === 'string' ? value : null;
      }
      case '_sdc_sequence':
        return this.runStartedAtUs + facts.line;
      case '_sdc_table_version':
        return facts.message.version ?? null;
    }
  }

  /** All six values, in {@link SDC_COLUMNS} order. */
  valuesOf(facts: SdcFacts): SdcValue[] {
    return SDC_COLUMNS.map((column) => this.valueOf(column.name, facts));
  }
}

/**
 * True when a record is a **key-only delete**, as log-based taps send one (pipelinewise tap-postgres LOG_BASED,
 * singer-io tap-postgres logical replication: the old row's key from the WAL, plus `_sdc_deleted_at`): its
 * `_sdc_deleted_at` is set (not null), and every property it holds is a key property or starts with `_sdc_`
 * (`_sdc_lsn` and the like). An upsert then marks the row deleted and keeps its other values; any other record,
 * a delete with more properties included, keeps its full-row meaning (a property it lacks becomes NULL).
 *
 * @example
 * ```ts
 * isKeyOnlyDelete({ id: 7, _sdc_deleted_at: '2024-06-01T12:00:00+00:00' }, new Set(['id'])); // true
 * isKeyOnlyDelete({ id: 7, name: 'x', _sdc_deleted_at: '2024-06-01T12:00:00+00:00' }, new Set(['id'])); // false
 * ```
 */
export function isKeyOnlyDelete(
  record: RecordMessage['record'],
  keyProperties: ReadonlySet<string>,
): boolean {
  const deletedAt = record._sdc_deleted_at;
  if (deletedAt === undefined || deletedAt === null) return false;
  for (const property in record) {
    if (!keyProperties.has(property) && !property.startsWith('_sdc_')) return false;
  }
  return true;
}
