// The SDK README's "Write a destination" example, verbatim but for the imports: compiled, and run through the
// conformance kit by folder-destination.test.ts, so the README's example cannot rot.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { IsString } from 'class-validator';
import {
  Destination,
  EncodeWith,
  ExportBatch,
  NameClaims,
  OnSchema,
  SdcValues,
  Setting,
  TableSetting,
  foldName,
  normalizeSchema,
  type EncodedBatchContext,
  type EncoderFactsContext,
  type NameRules,
  type SchemaContext,
} from '../../src/index';
import type { FolderRowFacts } from './folder-rows';

export class FolderConfig {
  @Setting({ name: 'folder', description: 'Directory for the <stream>.jsonl files.' })
  @IsString()
  folder = 'out';

  @TableSetting.recordMetadata() // add_record_metadata, as every destination declares it
  addRecordMetadata = false;
}

/** File names: lower case, letters, digits and `_`, at most 100 bytes (longer ones get a hash). */
const FILE_NAMES: NameRules = { maxBytes: 100, case: 'lower', disallowed: /[^a-z0-9_]/g };

/** One stream's file and the facts its rows are made from. */
interface FolderStream {
  file: string;
  rows: FolderRowFacts;
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
    const properties = normalizeSchema(schema).properties.map(({ name, type }) => ({ name, type }));
    const { runStartedAtUs } = this.metadata;
    return { file, rows: { properties, metadata: config.addRecordMetadata, runStartedAtUs } };
  }

  /** Records become rows in the SDK's encode stage, on worker threads, built from these facts. */
  @EncodeWith({ module: join(__dirname, 'folder-rows.js'), export: 'folderRows' })
  rowFacts({ streamState }: EncoderFactsContext<FolderConfig, FolderStream>): FolderRowFacts {
    return streamState.rows;
  }

  @ExportBatch
  write({ streamState, encoded }: EncodedBatchContext<FolderConfig, FolderStream>) {
    const fd = openSync(streamState.file, 'a');
    for (const rows of encoded) writeSync(fd, rows);
    fsyncSync(fd); // durable before returning: the SDK writes the covering STATE right after
    closeSync(fd);
  }
}
