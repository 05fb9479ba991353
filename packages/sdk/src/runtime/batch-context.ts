import type { BatchContext, JsonSchema, RecordMessage, SingerRecord } from '../contexts';
import { parseJsonExact } from '../json/parse-json';
import type { Logger } from 'pino';
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
  describeLine: (line: number) => string;
}

/**
 * Builds what `@ExportBatch` receives, valid until the export returns (the batch memory is then reused): the
 * encoded text for a batch the encode stage encoded, else the records. `records` and `messages` are parsed from
 * the buffered line text on first access (once, then cached): a destination that streams `eachMessage()` never
 * holds the whole batch as objects, and one that needs no values pays nothing. Lines were validated when read, so
 * parsing cannot fail here.
 */
export function createBatchContext(batch: StreamBatch, facts: BatchFacts): BatchContext {
  const { lines } = batch;
  const size = lines.length;
  const common = {
    ...facts,
    lineNumbers: lines,
    receivedAt: batch.receivedAt,
    firstLine: lines[0]!,
    lastLine: lines[lines.length - 1]!,
    size,
    bytes: batch.bytes,
    batchedAt: new Date(batch.sealedAt),
  };
  if (batch.encoded !== undefined) {
    return { ...common, kind: 'encoded', encoded: batch.encoded.chunks, notes: batch.encoded.notes };
  }
  let messages: RecordMessage[] | undefined;
  let records: SingerRecord[] | undefined;
  const parseMessage = (text: string) => parseJsonExact(text).value as RecordMessage;
  const allMessages = () => {
    if (messages === undefined) {
      messages = new Array<RecordMessage>(size);
      for (let i = 0; i < size; i++) messages[i] = parseMessage(batch.text(i));
    }
    return messages;
  };
  return {
    ...common,
    kind: 'records',
    get messages() {
      return allMessages();
    },
    get records() {
      return (records ??= allMessages().map((m) => m.record));
    },
    *eachMessage() {
      if (messages) yield* messages;
      else for (let i = 0; i < size; i++) yield parseMessage(batch.text(i));
    },
  };
}
