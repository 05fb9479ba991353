// The README's complete destination, verbatim but for the imports and the last line: compiled and run by
// jsonl-destination.test.ts, so the README's example cannot rot.
import {
  Destination,
  ExportBatch,
  OnSchema,
  Setting,
  type RecordBatchContext,
  type SchemaContext,
} from '../../src/index';
import { IsString } from 'class-validator';
import { appendFileSync, fsyncSync, openSync, closeSync } from 'node:fs';

export class JsonlConfig {
  @Setting({ name: 'path_prefix', description: 'Files are written as <prefix><stream>.jsonl' })
  @IsString()
  pathPrefix = './';
}

@Destination({ name: 'dest-jsonl', config: JsonlConfig, maxBatchMb: 50 })
export class JsonlDestination {
  @OnSchema
  schema({ stream, keyProperties, logger }: SchemaContext<JsonlConfig>) {
    logger.info({ stream, keyProperties }, 'new schema');
  }

  @ExportBatch
  write({ stream, records, config }: RecordBatchContext<JsonlConfig>) {
    const fd = openSync(`${config.pathPrefix}${stream}.jsonl`, 'a');
    appendFileSync(fd, records.map((r) => JSON.stringify(r) + '\n').join(''));
    fsyncSync(fd); // durable before return: the SDK writes the covering STATE right after
    closeSync(fd);
  }
}
