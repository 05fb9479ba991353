import type { BatchContext, JsonSchema, RecordMessage, SingerRecord } from '../contexts';
import { parseJsonExact } from '../json/parse-json';
import { SdkError } from '../errors';
import type { Logger } from 'pino';
import type { LineBytes } from './line-bytes';
import type { StreamBatch } from './stream-batch';

interface BatchFacts {
  config: unknown;
  logger: Logger;
  stream: string;
  streamState: unknown;
  schema: JsonSchema;
  keyProperties: string[];
  batchNumber: number;
  streamBatchNumber: number;
}

/**
 * Builds what `@ExportBatch` receives, valid until the export returns (the batch memory is then reused).
 * `records` and `messages` are parsed from the buffered line text on first
 * access (once, then cached): a destination that streams `eachRecord()` never holds the whole batch as objects,
 * and one that needs no values pays nothing. Lines were validated when read, so parsing cannot fail here.
 */
export function createBatchContext(batch: StreamBatch, facts: BatchFacts): BatchContext {
  const { lines } = batch;
  const size = lines.length;
  let messages: RecordMessage[] | undefined;
  let records: SingerRecord[] | undefined;
  let lineBytes: LineBytes | undefined;
  const parseMessage = (text: string) => parseJsonExact(text).value as RecordMessage;
  const requireLines = () => {
    if (batch.encoded) {
      throw new SdkError(
        'ERR_HANDLER_FAILED',
        'This destination encodes records with @EncodeRecord, so its batches hold the encoded text only: use `encoded`, not `records` or `messages`.',
      );
    }
  };
  const allMessages = () => {
    requireLines();
    if (messages === undefined) {
      messages = new Array<RecordMessage>(size);
      for (let i = 0; i < size; i++) messages[i] = parseMessage(batch.text(i));
    }
    return messages;
  };
  return {
    ...facts,
    get messages() {
      return allMessages();
    },
    get records() {
      return (records ??= allMessages().map((m) => m.record));
    },
    *eachMessage() {
      requireLines();
      if (messages) yield* messages;
      else for (let i = 0; i < size; i++) yield parseMessage(batch.text(i));
    },
    lineNumbers: lines,
    receivedAt: batch.receivedAt,
    firstLine: lines[0]!,
    lastLine: lines[lines.length - 1]!,
    size,
    encoded: batch.encoded ? batch.arena.chunks() : undefined,
    get lineBytes() {
      if (batch.encoded) return undefined;
      return (lineBytes ??= { blocks: batch.arena.blockViews(), lengths: batch.arena.lengths() });
    },
    bytes: batch.bytes,
    batchedAt: new Date(),
  };
}
