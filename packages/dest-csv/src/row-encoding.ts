/**
 * dest-csv's encoder module: the SDK's encode stage loads it (on its worker threads, or the main thread with
 * encode_threads 0) and builds each stream's row encoder from plain facts, so it holds nothing but the factory.
 */
import { join } from 'node:path';
import { SdcValues, type EncoderFactory, type EncoderModule } from '@singer-dest/sdk/toolkit';
import type { CsvEncoding } from './config';
import { CsvEncoder, type CsvDialect } from './csv-encoder';
import type { ColumnPlan } from './flatten';
import { RowEncoder, type ExtraReport } from './row-encoder';
import { TextEncoding } from './text-encoding';

/** What a stream's rows are made from (structured-cloneable: it crosses to the encode threads). */
export interface RowFacts {
  plan: ColumnPlan;
  dialect: CsvDialect;
  encoding: CsvEncoding;
  escapeFormulas: boolean;
  /** With add_record_metadata: the run's start (µs), the base of `_sdc_sequence`, the same on every thread. */
  runStartedAtUs: number | undefined;
}

/** Where `@EncodeWith` finds {@link csvRows}. */
export const CSV_ROWS: EncoderModule = { module: join(__dirname, 'row-encoding.js'), export: 'csvRows' };

/**
 * Builds a stream's row encoder: each record becomes its CSV row (terminated); a row the file encoding cannot
 * hold throws ERR_CSV_UNENCODABLE, which the SDK turns into a refused record by its line. Notes: the records
 * whose nested properties had no column (for one warning a batch).
 *
 * @example
 * ```ts
 * const rows = csvRows({ plan, dialect, encoding: 'utf-8', escapeFormulas: false, runStartedAtUs: undefined }, tools);
 * ```
 */
export const csvRows: EncoderFactory<RowFacts, ExtraReport> = (facts) => {
  const rows = new RowEncoder({
    plan: facts.plan,
    encoder: new CsvEncoder(facts.dialect),
    encoding: new TextEncoding(facts.encoding),
    escapeFormulas: facts.escapeFormulas,
    metadata: facts.runStartedAtUs === undefined ? undefined : new SdcValues(facts.runStartedAtUs),
  });
  return {
    encode: (_record, meta) => rows.encode(meta.message, meta.receivedAt, meta.batchedAt, meta.line),
    takeNotes: () => rows.takeExtras(),
  };
};
