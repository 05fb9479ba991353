import type { EncodeContext } from './record-context';

/** The property (and column) that marks a record as a delete (CDC). */
export const DELETED_AT = '_sdc_deleted_at';

/** A key-only delete (the row keeps its other values): the SDK toolkit's, shared with dest-duckdb. */
export { isKeyOnlyDelete } from '@singer-dest/sdk/toolkit';

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
