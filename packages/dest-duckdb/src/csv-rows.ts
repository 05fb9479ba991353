/**
 * dest-duckdb's encoder module: the SDK's encode stage loads it (on its worker threads, or the main thread with
 * encode_threads 0) and makes each record one CSV row, which DuckDB's own reader loads (read_csv).
 */
import { join } from 'node:path';
import {
  ExactNumber,
  isKeyOnlyDelete,
  SdcValues,
  stringifyJson,
  type EncoderFactory,
  type EncoderModule,
  type SdcColumnName,
} from '@singer-dest/sdk/toolkit';
import { misfitOf, numericShape, typeHolding, widerType } from './column-types';

/** What a stream's rows are made from (structured-cloneable: it crosses to the encode threads). */
export interface CsvRowFacts {
  /** Each column: its name, its type when the stream's SCHEMA came, the property (or `_sdc_*` value) it holds. */
  columns: { name: string; type: string; property: string; sdc: boolean }[];
  /** Keys, when each row also says whether it is a key-only delete (an upsert that marks deletes). */
  keyOnlyOf: string[] | undefined;
  /** The run's start (µs): the base of `_sdc_sequence`, the same on every thread. */
  runStartedAtUs: number;
}

/**
 * What the rows of a part of a batch need: the columns whose type held not every value (widened to `type`, first
 * met at input place `line`), and the longest row when one is longer than DuckDB's CSV reader takes by default.
 */
export interface CsvRowNotes {
  widened: Record<string, { type: string; line: number; reason: string }>;
  longestRow: number;
}

/**
 * Where `@EncodeWith` finds {@link csvRows}. Its rows never hold `_sdc_batched_at` (the flush's INSERT sets it, one
 * value a batch), so with `encode_threads` 0 (the default on two cores) each record is encoded as it is read,
 * from the record the SDK already parsed, not parsed a second time when its batch is sealed.
 */
export const CSV_ROWS: EncoderModule = {
  module: join(__dirname, 'csv-rows.js'),
  export: 'csvRows',
  usesBatchedAt: false,
};

/** Whether the rows hold a column: all but `_sdc_batched_at`, which the flush's INSERT sets. */
export const inRows = (c: { name: string }): boolean => c.name !== '_sdc_batched_at';

/** Rows up to this many UTF-16 units (3 UTF-8 bytes each at most) fit read_csv's default 2 MB line. */
const PLAIN_ROW = 600_000;

/** A CSV field (strings always quoted: allow_quoted_nulls = false reads an unquoted empty field as NULL). */
const quoted = (text: string) => `"${text.includes('"') ? text.replace(/"/g, '""') : text}"`;

/** The field of one value (not null) in a column of any type but JSON: numbers as written (DuckDB reads exponents exactly). */
function fieldOf(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value instanceof ExactNumber ? value.text : quoted(stringifyJson(value));
}

/** DuckDB's timestamps take 'T' and 'Z' but not RFC 3339's lower-case spelling of them. */
const timestampFieldOf = (value: unknown) =>
  typeof value === 'string' && (value.charCodeAt(10) === 116 || value.endsWith('z'))
    ? quoted(value.replace(/^(.{10})t/, '$1T').replace(/z$/, 'Z'))
    : fieldOf(value);

/** How a column of `type` writes a value that is not null (chosen once a column, not compared per value). */
const fieldWriterOf = (type: string): ((value: unknown) => string) =>
  type === 'JSON'
    ? (value) => quoted(stringifyJson(value))
    : type === 'TIMESTAMPTZ'
      ? timestampFieldOf
      : fieldOf;

/**
 * Builds a stream's row encoder: each record becomes `field,…,place[,key-only]\n` (every column but
 * `_sdc_batched_at`). A number its column's type
 * cannot hold exactly is noted, with the narrowest type that holds it, for the export to widen the column first.
 *
 * @example
 * ```ts
 * csvRows({ columns: [{ name: 'id', type: 'BIGINT', property: 'id', sdc: false }], keyOnlyOf: undefined,
 *   runStartedAtUs: 0 }, tools).encode({ id: 7 }, meta); // '7,42\n' for the record at place 42
 * ```
 */
export const csvRows: EncoderFactory<CsvRowFacts, CsvRowNotes> = (facts) => {
  const sdc = new SdcValues(facts.runStartedAtUs);
  const columns = facts.columns.filter(inRows).map((c) => ({
    ...c,
    field: fieldWriterOf(c.type),
    numeric: !c.sdc && numericShape(c.type) !== undefined,
  }));
  const keys = facts.keyOnlyOf && new Set(facts.keyOnlyOf);
  let notes: CsvRowNotes | undefined;
  return {
    encode(record, meta) {
      let row = '';
      for (const column of columns) {
        const value = column.sdc
          ? sdc.valueOf(column.property as SdcColumnName, meta)
          : record[column.property];
        if (value === null || value === undefined) {
          row += ',';
          continue;
        }
        if (column.numeric && (typeof value === 'number' || value instanceof ExactNumber)) {
          const widened = notes?.widened[column.name];
          const misfit = misfitOf(value, widened?.type ?? column.type);
          if (misfit !== undefined) {
            notes ??= { widened: {}, longestRow: 0 };
            const type = widerType(widened?.type ?? column.type, typeHolding(value));
            notes.widened[column.name] = { line: meta.line, reason: misfit, ...widened, type };
          }
        }
        row += `${column.field(value)},`;
      }
      row += keys === undefined ? `${meta.line}\n` : `${meta.line},${isKeyOnlyDelete(record, keys)}\n`;
      if (row.length > PLAIN_ROW && row.length > (notes?.longestRow ?? 0))
        (notes ??= { widened: {}, longestRow: 0 }).longestRow = row.length;
      return row;
    },
    takeNotes() {
      const taken = notes;
      notes = undefined;
      return taken;
    },
  };
};
