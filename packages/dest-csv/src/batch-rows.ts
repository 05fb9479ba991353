import type { BatchContext } from '@singer-dest/sdk';
import { CsvError } from './csv-error';
import type { CsvEncoder } from './csv-encoder';
import { RowExtractor, extraProperties, type ColumnPlan } from './flatten';
import type { TextEncoding } from './text-encoding';
import { formatValue } from './value-format';

/** The columns `add_record_metadata` appends, after the schema's. */
export const METADATA_COLUMNS = ['_sdc_extracted_at', '_sdc_received_at', '_sdc_batched_at', '_sdc_sequence'];

/** Rows per written chunk: large enough for few writes, small enough to overlap building with writing. */
const ROWS_PER_CHUNK = 4096;
const MAX_NAMED_EXTRAS = 10;

/** What the rows of one batch need besides the batch. */
export interface RowOptions {
  plan: ColumnPlan;
  encoder: CsvEncoder;
  encoding: TextEncoding;
  escapeFormulas: boolean;
  addMetadata: boolean;
  /** With `true`, a record holding a property outside the schema fails the batch. */
  failOnExtra: boolean;
}

/** Records of a batch that held properties without a column (they were not written). */
export interface ExtraReport {
  records: number;
  /** Up to ten property names (never values). */
  names: string[];
  firstLine: number;
}

/**
 * Turns a batch into encoded CSV rows, a chunk of rows at a time (a generator, so the file can write one chunk
 * while the next is built). Reports records with properties outside the schema in `extras`.
 *
 * @example
 * ```ts
 * const rows = new BatchRows(context, options);
 * await file.append(rows.chunks());
 * if (rows.extras) logger.warn(rows.extras, 'properties outside the schema');
 * ```
 */
export class BatchRows {
  extras: ExtraReport | undefined;

  constructor(
    private readonly batch: BatchContext,
    private readonly options: RowOptions,
  ) {}

  *chunks(): Generator<Buffer> {
    const { records } = this.batch;
    for (let start = 0; start < records.length; start += ROWS_PER_CHUNK) {
      const end = Math.min(records.length, start + ROWS_PER_CHUNK);
      yield this.encodeChunk(this.text(start, end), start, end);
    }
  }

  private text(start: number, end: number): string {
    const { batch, options } = this;
    const { encoder, escapeFormulas, plan } = options;
    const { delimiter, lineTerminator } = encoder.dialect;
    const width = plan.columns.length - (options.addMetadata ? METADATA_COLUMNS.length : 0);
    const extractor = new RowExtractor(plan);
    const values: unknown[] = new Array<unknown>(width);
    const batchedAt = options.addMetadata ? batch.batchedAt.toISOString() : '';
    let lastReceived = NaN;
    let receivedText = '';
    let text = '';
    for (let i = start; i < end; i++) {
      const record = batch.records[i]!;
      extractor.extract(record, values);
      if (extractor.hasExtra) this.noteExtra(i);
      let row = width > 0 ? encoder.cell(formatValue(values[0], escapeFormulas)) : '';
      for (let c = 1; c < width; c++) row += delimiter + encoder.cell(formatValue(values[c], escapeFormulas));
      if (options.addMetadata) {
        const received = batch.receivedAt[i]!;
        if (received !== lastReceived)
          [lastReceived, receivedText] = [received, new Date(received).toISOString()];
        const extracted = encoder.cell(formatValue(batch.messages[i]!.time_extracted, false));
        row += `${width > 0 ? delimiter : ''}${extracted}${delimiter}${receivedText}${delimiter}${batchedAt}${delimiter}${received}`;
      }
      text += row + lineTerminator;
    }
    return text;
  }

  private encodeChunk(text: string, start: number, end: number): Buffer {
    const { encoding } = this.options;
    const bad = encoding.firstUnrepresentable(text);
    if (bad >= 0) {
      const code = text.codePointAt(bad)!.toString(16).toUpperCase().padStart(4, '0');
      throw new CsvError(
        'ERR_CSV_UNENCODABLE',
        `Stream ${JSON.stringify(this.batch.stream)}: a value in the records of input lines ` +
          `${this.batch.lines[start]}-${this.batch.lines[end - 1]} holds the character U+${code}, which encoding ` +
          `${encoding.name} cannot represent. Set encoding to "utf-8" (lone surrogates cannot be written in any ` +
          'encoding; fix them in the tap).',
      );
    }
    return encoding.encode(text);
  }

  private noteExtra(index: number): void {
    const { stream, lines, records } = this.batch;
    const names = extraProperties(records[index]!, this.options.plan);
    if (this.options.failOnExtra) {
      throw new CsvError(
        'ERR_CSV_EXTRA_PROPERTIES',
        `Input line ${lines[index]}: the record of stream ${JSON.stringify(stream)} has properties that are not ` +
          `in its schema (${names.slice(0, MAX_NAMED_EXTRAS).join(', ')}). Add them to the SCHEMA message, or set ` +
          'extra_properties to "warn" to skip them with a warning.',
      );
    }
    const report = (this.extras ??= { records: 0, names: [], firstLine: lines[index]! });
    report.records++;
    for (const name of names) {
      if (report.names.length < MAX_NAMED_EXTRAS && !report.names.includes(name)) report.names.push(name);
    }
  }
}
