/**
 * How a stream maps onto a table, the same in every SQL destination (dest-postgres, dest-duckdb): which `_sdc_*`
 * columns it gets, which column each property becomes and which are the keys, how its batches load, and what a
 * new SCHEMA changes in a table that exists. Types stay the destination's own: these take them as they are.
 */
import type { NameRules } from './naming';
import { foldNames } from './naming';
import { SDC_COLUMNS, type SdcColumn } from './sdc-columns';
import type { PropertySchema, StreamSchema } from './stream-schema';

/**
 * The `_sdc_*` columns a stream's table gets: all of {@link SDC_COLUMNS} with `all` (add_record_metadata), else
 * `_sdc_table_version` alone with `activateVersion` (ACTIVATE_VERSION compares it), else none.
 *
 * @example
 * ```ts
 * sdcColumnsOf({ all: false, activateVersion: true }).map((c) => c.name); // ['_sdc_table_version']
 * ```
 */
export function sdcColumnsOf(settings: { all: boolean; activateVersion: boolean }): readonly SdcColumn[] {
  return SDC_COLUMNS.filter(
    (c) => settings.all || (settings.activateVersion && c.name === '_sdc_table_version'),
  );
}

/** What {@link planColumns} needs besides the schema: the target's names and the destination's own errors. */
export interface ColumnPlanOptions {
  /** The target's name rules (case, length). */
  rules: NameRules;
  /** The `_sdc_*` columns the table gets: a property that folds to one of their names is held by it, not a column of its own. */
  sdcColumns: readonly Pick<SdcColumn, 'name'>[];
  /** The error for two properties that fold to one column name. */
  collision: (property: string, other: string, column: string) => Error;
  /** The error for a key property the schema does not declare (it would have no column). */
  unknownKey: (key: string) => Error;
}

/** The property columns of a stream's table, in schema order, and the columns of its key properties. */
export interface PlannedColumns {
  columns: { property: PropertySchema; name: string }[];
  keys: string[];
}

/**
 * Maps a stream's properties onto columns: every name folded by the target's rules (two that land on one name
 * are refused with `collision`), the ones an `_sdc_*` column holds left out, and the key properties mapped to
 * their columns (`unknownKey` for one the schema lacks).
 *
 * @example
 * ```ts
 * planColumns(normalizeSchema({ properties: { Id: { type: 'integer' } } }), ['Id'], { rules: { maxBytes: 63,
 *   case: 'lower' }, sdcColumns: [], collision, unknownKey });
 * // { columns: [{ property: { name: 'Id', type: 'integer', ... }, name: 'id' }], keys: ['id'] }
 * ```
 */
export function planColumns(
  schema: StreamSchema,
  keyProperties: readonly string[],
  options: ColumnPlanOptions,
): PlannedColumns {
  const names = foldNames(
    schema.properties.map((p) => p.name),
    options.rules,
    options.collision,
  );
  const sdc = new Set<string>(options.sdcColumns.map((c) => c.name));
  const columns = schema.properties
    .map((property) => ({ property, name: names.get(property.name)! }))
    .filter((column) => !sdc.has(column.name));
  const keys = keyProperties.map((key) => {
    const name = names.get(key);
    if (name === undefined) throw options.unknownKey(key);
    return name;
  });
  return { columns, keys };
}

/** How a stream's batches reach its table ({@link loadModeOf}). */
export interface LoadMode {
  /** The last row of each key replaces the table's rows of that key; else rows are appended. */
  upsert: boolean;
  /** The stream's first flush in a run empties the table first (`overwrite`). */
  overwrite: boolean;
}

/**
 * The load mode of a stream from `load_method` (unset: upsert with key properties, else append-only): upsert and
 * overwrite replace rows by key where there are keys, and append where there are none; any other method
 * (`append-only` and its aliases) appends.
 *
 * @example
 * ```ts
 * loadModeOf(undefined, 1);    // { upsert: true, overwrite: false }
 * loadModeOf('overwrite', 0);  // { upsert: false, overwrite: true }
 * ```
 */
export function loadModeOf(method: string | undefined, keyCount: number): LoadMode {
  const chosen = method ?? (keyCount > 0 ? 'upsert' : 'append-only');
  return {
    upsert: keyCount > 0 && (chosen === 'upsert' || chosen === 'overwrite'),
    overwrite: chosen === 'overwrite',
  };
}

/** What a new SCHEMA changes in a table that exists ({@link columnChanges}). */
export interface ColumnChanges<T> {
  /** Columns the table lacks, in the wanted order. */
  added: { name: string; type: T }[];
  /** Columns whose type must widen to hold the wanted one, with the type they become. */
  widened: { name: string; type: T }[];
}

/**
 * What a table needs to hold the wanted columns: the ones it lacks, and the ones `widen` says must change type
 * (`widen` answers undefined where the existing column already holds the wanted type). Columns the table has
 * beyond the wanted ones are left alone, and none is ever dropped or narrowed.
 *
 * @example
 * ```ts
 * columnChanges(new Map([['id', 'BIGINT']]), [{ name: 'id', type: 'HUGEINT' }, { name: 'name', type: 'VARCHAR' }],
 *   (current, wanted) => (current === wanted ? undefined : wanted));
 * // { added: [{ name: 'name', type: 'VARCHAR' }], widened: [{ name: 'id', type: 'HUGEINT' }] }
 * ```
 */
export function columnChanges<Existing, T>(
  existing: ReadonlyMap<string, Existing>,
  wanted: readonly { name: string; type: T }[],
  widen: (existing: Existing, wanted: T) => T | undefined,
): ColumnChanges<T> {
  const changes: ColumnChanges<T> = { added: [], widened: [] };
  for (const { name, type } of wanted) {
    const current = existing.get(name);
    if (current === undefined) {
      changes.added.push({ name, type });
      continue;
    }
    const wider = widen(current, type);
    if (wider !== undefined) changes.widened.push({ name, type: wider });
  }
  return changes;
}
