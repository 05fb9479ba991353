import {
  ExactNumber,
  SDC_COLUMNS,
  type SingerRecord,
  type RecordMessage,
  type SdcValues,
} from '@singer-dest/sdk/toolkit';
import { CsvError } from './csv-error';
import type { CsvEncoder } from './csv-encoder';
import { RowExtractor, extraProperties, type ColumnPlan } from './flatten';
import { appendJsonCell } from './json-cell';
import type { TextEncoding } from './text-encoding';
import { formatValue } from './value-format';

/** The columns `add_record_metadata` appends, after the schema's: the SDK's, one meaning each. */
export const METADATA_COLUMNS: readonly string[] = SDC_COLUMNS.map((c) => c.name);

const MAX_NAMED_EXTRAS = 10;

/** What a stream's rows need: its columns and the settings that shape a row. */
export interface RowOptions {
  plan: ColumnPlan;
  encoder: CsvEncoder;
  encoding: TextEncoding;
  escapeFormulas: boolean;
  /** The metadata values, when `add_record_metadata` is on. */
  metadata: SdcValues | undefined;
}

/** Records whose flattened objects held properties without a column (written without them), since the last report. */
export interface ExtraReport {
  records: number;
  /** Up to ten property names (never values). */
  names: string[];
  firstLine: number;
}

/** Both reports as one (the first line is the earlier one's), or undefined when neither has anything. */
export function mergeExtras(a: ExtraReport | undefined, b: ExtraReport | undefined): ExtraReport | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const names = [...new Set([...a.names, ...b.names])].slice(0, MAX_NAMED_EXTRAS);
  return { records: a.records + b.records, names, firstLine: Math.min(a.firstLine, b.firstLine) };
}

/**
 * Turns one stream's records into CSV rows (terminated), one record at a time as the SDK reads them
 * Throws a {@link CsvError} for a record it must not write: text the file encoding cannot hold.
 *
 * @example
 * ```ts
 * const rows = new RowEncoder({ plan, encoder, encoding, escapeFormulas: false, metadata: undefined });
 * rows.encode({ record: { id: 1, name: 'a, b' } }, Date.now(), Date.now(), 2); // '1,"a, b"\r\n'
 * ```
 */
export class RowEncoder {
  private readonly extractor: RowExtractor;
  private readonly values: unknown[];
  /** The row being built, as fragments (reused for every row). */
  private readonly parts: string[] = [];
  private readonly width: number;
  /** Quote and escape are both `"`: JSON cells can take the one-pass path. */
  private readonly rfc4180: boolean;
  private extras: ExtraReport | undefined;

  constructor(private readonly options: RowOptions) {
    this.extractor = new RowExtractor(options.plan);
    this.width = options.plan.columns.length - (options.metadata ? METADATA_COLUMNS.length : 0);
    this.values = new Array<unknown>(this.width);
    const { quote, escape } = options.encoder.dialect;
    this.rfc4180 = quote === '"' && escape === '"';
  }

  /** The record's row. `receivedAt` and `batchedAt` (epoch ms) and `line` feed the metadata columns and reports. */
  encode(
    message: Pick<RecordMessage, 'record' | 'time_extracted' | 'version'>,
    receivedAt: number,
    batchedAt: number,
    line: number,
  ): string {
    const { encoder, metadata, encoding } = this.options;
    const { values, width } = this;
    const { delimiter } = encoder.dialect;
    const record = message.record;
    this.extractor.extract(record, values);
    if (this.extractor.hasExtra) this.noteExtra(record, line);
    // The row's cells (JSON cells as fragments) are gathered in one reused array and joined once: a string built
    // value by value left a chain of intermediate strings per row, which the young generation then collected.
    const parts = this.parts;
    let n = 0;
    for (let c = 0; c < width; c++) {
      if (c > 0) parts[n++] = delimiter;
      const value = values[c];
      if (this.rfc4180 && typeof value === 'object' && value !== null && !(value instanceof ExactNumber)) {
        n = appendJsonCell(value, delimiter, parts, n);
      } else parts[n++] = encoder.cell(formatValue(value, this.options.escapeFormulas));
    }
    if (metadata !== undefined) {
      const facts = { message, receivedAt, batchedAt, line };
      for (let c = 0; c < SDC_COLUMNS.length; c++) {
        const value = metadata.valueOf(SDC_COLUMNS[c]!.name, facts);
        if (c > 0 || width > 0) parts[n++] = delimiter;
        if (value !== null)
          parts[n++] = typeof value === 'number' ? String(value) : encoder.cell(formatValue(value, false));
      }
    }
    parts[n++] = encoder.dialect.lineTerminator;
    parts.length = n;
    const row = parts.join('');
    // Rows only need the check for latin-1 and ASCII: the SDK refuses lone surrogates, UTF's only gap.
    const bad = encoding.isLimited ? encoding.firstUnrepresentable(row) : -1;
    if (bad >= 0) {
      const code = row.codePointAt(bad)!.toString(16).toUpperCase().padStart(4, '0');
      throw new CsvError(
        'ERR_CSV_UNENCODABLE',
        `a value holds the character U+${code}, which encoding ${encoding.name} cannot represent. Set encoding to ` +
          '"utf-8"',
      );
    }
    return row;
  }

  /** What was skipped since the last call, for one warning per batch. */
  takeExtras(): ExtraReport | undefined {
    const extras = this.extras;
    this.extras = undefined;
    return extras;
  }

  private noteExtra(record: SingerRecord, line: number): void {
    const names = extraProperties(record, this.options.plan);
    const report = (this.extras ??= { records: 0, names: [], firstLine: line });
    report.records++;
    for (const name of names) {
      if (report.names.length < MAX_NAMED_EXTRAS && !report.names.includes(name)) report.names.push(name);
    }
  }
}
