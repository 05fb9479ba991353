// The SDK README's "Write a destination" example, verbatim but for the imports: compiled, and run through the
// conformance kit by folder-destination.test.ts, so the README's example cannot rot.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { IsBoolean, IsString } from 'class-validator';
import {
  Destination,
  ExportBatch,
  NameClaims,
  OnSchema,
  SDC_COLUMNS,
  SdcValues,
  Setting,
  foldName,
  normalizeSchema,
  stringifyJson,
  type BatchContext,
  type NameRules,
  type PropertySchema,
  type SchemaContext,
} from '../../src/index';

export class FolderConfig {
  @Setting({ name: 'folder', description: 'Directory for the <stream>.jsonl files.' })
  @IsString()
  folder = 'out';

  @Setting({ name: 'add_record_metadata', description: 'Add the _sdc_* columns.' })
  @IsBoolean()
  addRecordMetadata = false;
}

/** File names: lower case, letters, digits and `_`, at most 100 bytes (longer ones get a hash). */
const FILE_NAMES: NameRules = { maxBytes: 100, case: 'lower', disallowed: /[^a-z0-9_]/g };

/** The type mapping: how each logical type is written (here: date-times as UTC instants, the rest as sent). */
function writeValue(property: PropertySchema, value: unknown): unknown {
  if (property.type === 'date-time' && typeof value === 'string') return new Date(value).toISOString();
  return value;
}

/** One stream's file and columns. */
interface FolderStream {
  file: string;
  properties: readonly PropertySchema[];
}

@Destination({ name: 'dest-folder', config: FolderConfig })
export class FolderDestination {
  private readonly files = new NameClaims(
    (owner, stream, file) => new Error(`Streams "${owner}" and "${stream}" both map to ${file}. Rename one.`),
  );
  private readonly metadata = new SdcValues();

  /** What is returned here is the stream's state: the SDK hands it to each of the stream's batches. */
  @OnSchema
  schema({ stream, schema, config }: SchemaContext<FolderConfig>): FolderStream {
    mkdirSync(config.folder, { recursive: true });
    const file = join(config.folder, `${foldName(stream, FILE_NAMES)}.jsonl`);
    this.files.claim(file, stream);
    return { file, properties: normalizeSchema(schema).properties };
  }

  @ExportBatch
  write({
    streamState,
    messages,
    lineNumbers,
    receivedAt,
    batchedAt,
    config,
  }: BatchContext<FolderConfig, FolderStream>) {
    const { file, properties } = streamState;
    const rows = messages.map((message, i) => {
      const row: Record<string, unknown> = {};
      for (const p of properties) row[p.name] = writeValue(p, message.record[p.name]);
      if (config.addRecordMetadata) {
        const facts = {
          message,
          receivedAt: receivedAt[i]!,
          batchedAt: batchedAt.getTime(),
          line: lineNumbers[i]!,
        };
        for (const { name } of SDC_COLUMNS) row[name] = this.metadata.valueOf(name, facts);
      }
      return `${stringifyJson(row)}\n`;
    });
    const fd = openSync(file, 'a');
    writeSync(fd, rows.join(''));
    fsyncSync(fd); // durable before returning: the SDK writes the covering STATE right after
    closeSync(fd);
  }
}
