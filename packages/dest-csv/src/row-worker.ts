/**
 * The row-writing thread: parses a share of a batch's lines, turns each record into its CSV row, and appends the
 * rows to the stream's file. dest-csv runs this on the second core while the main thread reads and validates;
 * the main thread still decides when a batch is done (it fsyncs after this thread's reply) and when a STATE is
 * written, so the state guarantee does not depend on this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SdcValues } from '@singer-dest/sdk';
import { encodeRows } from './batch-rows';
import { CsvEncoder } from './csv-encoder';
import { writeFully } from './csv-file';
import { RowEncoder } from './row-encoder';
import type { BatchReply, RowRequest, RowSettings } from './row-thread';
import { TextEncoding } from './text-encoding';

const settings = workerData as RowSettings;
const encoder = new CsvEncoder(settings.dialect);
const encoding = new TextEncoding(settings.encoding);
const streams = new Map<string, RowEncoder>();
const metadata = settings.runStartedAtUs === undefined ? undefined : new SdcValues(settings.runStartedAtUs);

function handle(request: RowRequest): BatchReply | undefined {
  if (request.type === 'stream') {
    const options = {
      plan: request.plan,
      encoder,
      encoding,
      escapeFormulas: settings.escapeFormulas,
      metadata,
    };
    streams.set(request.stream, new RowEncoder(options));
    return undefined;
  }
  const rows = streams.get(request.stream)!;
  try {
    const written = encodeRows(request, rows, encoding, 0, request.count, (piece) =>
      writeFully(request.fd, piece),
    );
    return { id: request.id, written, extras: rows.takeExtras() };
  } catch (error) {
    rows.takeExtras();
    const { message, code } = error as { message?: string; code?: unknown };
    const reason = { message: String(message ?? error), code: typeof code === 'string' ? code : undefined };
    return { id: request.id, error: reason };
  }
}

parentPort!.on('message', (request: RowRequest) => {
  const reply = handle(request);
  if (reply !== undefined) parentPort!.postMessage(reply);
});
