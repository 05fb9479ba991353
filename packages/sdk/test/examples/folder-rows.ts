// The SDK README's "Write a destination" example, its encoder module, verbatim but for the imports. The SDK's
// encode threads load this file by path, so it builds everything from the facts it is given.
import {
  SDC_COLUMNS,
  SdcValues,
  stringifyJson,
  type EncoderFactory,
  type PropertySchema,
} from '../../src/index';

/** What a stream's rows are made from: plain data, sent to the encode threads. */
export interface FolderRowFacts {
  properties: Pick<PropertySchema, 'name' | 'type'>[];
  metadata: boolean;
  /** The run's start (µs): the base of `_sdc_sequence`, the same on every thread. */
  runStartedAtUs: number;
}

/** The type mapping: how each logical type is written (here: date-times as UTC instants, the rest as sent). */
function writeValue(property: FolderRowFacts['properties'][number], value: unknown): unknown {
  if (property.type === 'date-time' && typeof value === 'string') return new Date(value).toISOString();
  return value;
}

/** A stream's encoder: each record becomes one JSON line. */
export const folderRows: EncoderFactory<FolderRowFacts> = ({ properties, metadata, runStartedAtUs }) => {
  const sdc = new SdcValues(runStartedAtUs);
  return (record, meta) => {
    const row: Record<string, unknown> = {};
    for (const p of properties) row[p.name] = writeValue(p, record[p.name]);
    if (metadata) for (const { name } of SDC_COLUMNS) row[name] = sdc.valueOf(name, meta);
    return `${stringifyJson(row)}\n`;
  };
};
