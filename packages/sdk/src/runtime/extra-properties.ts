import type { Logger } from 'pino';
import type { JsonSchema, SingerRecord } from '../contexts';
import { SDC_COLUMNS } from '../toolkit/sdc-columns';

/**
 * What to do with a record property its stream's schema does not declare (a destination has no column for it):
 * `warn` loads the record without it and logs one warning per batch, `fail` rejects the record (then
 * `invalid_record_policy` decides), `ignore` loads it without the property silently.
 */
export type ExtraPropertiesPolicy = 'warn' | 'fail' | 'ignore';

const MAX_NAMED = 10;

/**
 * Finds a record's top-level properties that its schema does not declare, other than the `_sdc_*` metadata
 * names; made once per SCHEMA. Nested values are part of their property's value (a JSON column keeps them
 * whole), so only the top level is checked.
 *
 * @example
 * ```ts
 * const extras = new ExtraPropertyFinder({ properties: { id: {} } });
 * extras.find({ id: 1, note: 'x' }); // ['note']
 * extras.find({ id: 1 });            // undefined
 * ```
 */
export class ExtraPropertyFinder {
  private readonly declared: ReadonlySet<string>;
  /**
   * The property names, in order, of the first record found to have no extra property. A tap writes its records
   * with the same keys in the same order, and comparing each key with the one at its place here (the keys of
   * parsed JSON are internalized strings, so mostly a pointer compare) costs half a `Set` lookup per key: row (b)
   * of the bench paid ~70 ns a record for the lookups. Every name here is declared, so a record whose keys match
   * a prefix of it has none to report; any other record takes the lookups.
   */
  private knownShape: string[] | undefined;

  constructor(schema: JsonSchema) {
    // A metadata column's name is never extra: `_sdc_deleted_at` in a CDC record is what marks the delete.
    this.declared = new Set([...Object.keys(schema.properties ?? {}), ...SDC_COLUMNS.map((c) => c.name)]);
  }

  /** Up to ten undeclared property names (never values), or undefined when there is none. */
  find(record: SingerRecord): string[] | undefined {
    const known = this.knownShape;
    if (known !== undefined && hasKnownShape(record, known)) return undefined;
    const names = this.lookUp(record);
    if (names === undefined && known === undefined) this.knownShape = Object.keys(record);
    return names;
  }

  private lookUp(record: SingerRecord): string[] | undefined {
    let names: string[] | undefined;
    for (const key in record) {
      if (this.declared.has(key) || !Object.hasOwn(record, key)) continue;
      (names ??= []).push(key);
      if (names.length === MAX_NAMED) break;
    }
    return names;
  }
}

/** Whether the record's enumerable keys, in order, are a prefix of `known` (then each of them is declared). */
function hasKnownShape(record: SingerRecord, known: readonly string[]): boolean {
  let i = 0;
  for (const key in record) {
    if (key !== known[i]) return false;
    i++;
  }
  return true;
}

/** The records of one batch that held undeclared properties: the batch's single warning is made from it. */
export class ExtraPropertyNote {
  records = 0;
  readonly names: string[] = [];
  firstLine = Infinity;

  add(names: readonly string[], line: number): void {
    this.records++;
    if (line < this.firstLine) this.firstLine = line;
    for (const name of names) {
      if (this.names.length < MAX_NAMED && !this.names.includes(name)) this.names.push(name);
    }
  }

  /**
   * Logs the batch's warning: how many records, from which line, which properties (names only). `describeLine`
   * names the first record's place (`line 3`, or its BATCH file and line).
   */
  warn(logger: Logger, stream: string, describeLine = (line: number) => `line ${line}`): void {
    const { records, names, firstLine } = this;
    logger.warn(
      { stream, records, properties: names, line: firstLine, code: 'EXTRA_PROPERTIES' },
      `Stream ${JSON.stringify(stream)}: ${records} record(s) from input ${describeLine(firstLine)} on have properties ` +
        `outside the schema (${names.join(', ')}); those values were not loaded. Add the properties to the ` +
        'SCHEMA message to keep them, or set extra_properties to "fail" to stop on them ("ignore" to load ' +
        'without this warning).',
    );
  }
}

/**
 * The reason text for a record rejected under `extra_properties: "fail"` (the loop adds where and what to do).
 *
 * @example
 * ```ts
 * describeExtraProperties(['note']); // 'has properties that are not in the schema (note)'
 * ```
 */
export function describeExtraProperties(names: readonly string[]): string {
  return (
    `has properties that are not in the schema (${names.join(', ')}), and extra_properties is "fail". Add them ` +
    'to the SCHEMA message, or set extra_properties to "warn" to load the record without them'
  );
}
