import type { EncodeContext, SingerRecord } from '@singer-dest/sdk';

/** The property (and column) that marks a record as a delete (CDC). */
export const DELETED_AT = '_sdc_deleted_at';

/** Singer's own properties and metadata columns start so; a key-only delete may carry any of them. */
const SDC_PREFIX = '_sdc_';

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
export function isKeyOnlyDelete(record: SingerRecord, keyProperties: ReadonlySet<string>): boolean {
  const deletedAt = record[DELETED_AT];
  if (deletedAt === undefined || deletedAt === null) return false;
  for (const property in record) {
    if (!keyProperties.has(property) && !property.startsWith(SDC_PREFIX)) return false;
  }
  return true;
}

/**
 * The deletion time written for a record whose `_sdc_deleted_at` is set but is not a date-time a timestamptz
 * column takes (tap-mysql wrote `2019-12-18T13:19:44+00:00+00:00`): the time the record was read (its receive
 * time, UTC), so the row is still marked deleted; and the warning that says so, naming nothing of the value.
 *
 * @example
 * ```ts
 * deletionOf(context, 'is not a valid date-time').deletedAt; // '2026-12-01T10:35:21.000Z'
 * ```
 */
export function deletionOf(context: EncodeContext, problem: string): { deletedAt: string; warning: string } {
  const deletedAt = new Date(context.receivedAt).toISOString();
  return {
    deletedAt,
    warning:
      `line ${context.line}: RECORD for stream "${context.stream}" has an _sdc_deleted_at that ${problem}; ` +
      `the row is still marked deleted, at the time the record was read (${deletedAt})`,
  };
}
