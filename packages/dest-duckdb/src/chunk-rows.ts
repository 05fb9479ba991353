import {
  BIGINT,
  BOOLEAN,
  DECIMAL,
  DuckDBDataChunk,
  DuckDBDecimalValue,
  HUGEINT,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import { ExactNumber, scaledIntegerOf, stringifyJson } from '@singer-dest/sdk';

/** Rows per data chunk: DuckDB's vector size, the most one chunk holds. */
const CHUNK_ROWS = 2048;

/**
 * What a column's values are staged as, and how a value becomes one: numbers and booleans in the column's own
 * binary type (made exactly from the literal: DuckDB's own text-to-DECIMAL(38,s) cast costs ~20 µs a value),
 * everything else as text, which the INSERT casts to the column type as DuckDB's CSV reader would.
 */
export function stageTypeOf(type: string): {
  sql: string;
  type: DuckDBType;
  valueOf: (v: unknown) => DuckDBValue;
} {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (decimal !== null) {
    const [width, scale] = [Number(decimal[1]), Number(decimal[2])];
    const valueOf = (v: unknown) =>
      new DuckDBDecimalValue(scaledIntegerOf(v as number, scale)!, width, scale);
    return { sql: type, type: DECIMAL(width, scale), valueOf };
  }
  const whole = (v: unknown) => BigInt(v instanceof ExactNumber ? v.text : (v as number));
  if (type === 'BIGINT') return { sql: type, type: BIGINT, valueOf: whole };
  if (type === 'HUGEINT') return { sql: type, type: HUGEINT, valueOf: whole };
  if (type === 'BOOLEAN') return { sql: type, type: BOOLEAN, valueOf: (v) => v as boolean };
  if (type === 'JSON') return { sql: 'VARCHAR', type: VARCHAR, valueOf: stringifyJson };
  const text = (v: unknown) => {
    if (typeof v === 'string') return v;
    if (v instanceof ExactNumber) return v.text;
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : stringifyJson(v);
  };
  return { sql: 'VARCHAR', type: VARCHAR, valueOf: text };
}

/**
 * Fills DuckDB data chunks row by row and appends each full one: one native call per 2,048 rows and per text
 * value, instead of one per value.
 *
 * @example
 * ```ts
 * const rows = new ChunkRows(appender, [stageTypeOf('BIGINT'), stageTypeOf('VARCHAR')]);
 * rows.set(0, 1); rows.set(1, 'a'); rows.endRow();
 * rows.flush();
 * ```
 */
export class ChunkRows {
  private chunk!: DuckDBDataChunk;
  private vectors!: DuckDBVector[];
  private row = 0;

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly columns: readonly ReturnType<typeof stageTypeOf>[],
  ) {
    this.start();
  }

  private start(): void {
    // A new chunk each time: resetting one may move its buffers under the views the vectors hold.
    this.chunk = DuckDBDataChunk.create(
      this.columns.map((c) => c.type),
      CHUNK_ROWS,
    );
    this.vectors = this.columns.map((_, i) => this.chunk.getColumnVector(i));
    this.row = 0;
  }

  set(column: number, value: unknown): void {
    this.vectors[column]!.setItem(
      this.row,
      value === null || value === undefined ? null : this.columns[column]!.valueOf(value),
    );
  }

  endRow(): void {
    if (++this.row === CHUNK_ROWS) this.flush();
  }

  /** Appends the rows set so far. */
  flush(): void {
    if (this.row === 0) return;
    for (const vector of this.vectors) vector.flush();
    this.chunk.rowCount = this.row;
    this.appender.appendDataChunk(this.chunk);
    this.start();
  }
}
