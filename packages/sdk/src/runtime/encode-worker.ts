/**
 * An encode thread: builds each stream's encoder from its facts with the destination's factory, and turns runs
 * of sealed batches into encoded pieces. The main thread still decides what becomes of a refused record and
 * when anything is exported or a STATE written, so the state guarantee does not depend on this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EncoderFactory, RecordEncoder } from '../encoder';
import { encodeLines } from './encode-lines';
import {
  reasonOf,
  type EncodeRequest,
  type EncodeWorkerData,
  type EncoderWarning,
  type PartReply,
  type PartRequest,
} from './encode-protocol';
import { buildStreamEncoder, loadEncoderFactory } from './load-encoder';

const { encoder: encoderModule } = workerData as EncodeWorkerData;
let factory: EncoderFactory | undefined;
const facts = new Map<number, { stream: string; facts: unknown }>();
const built = new Map<number, RecordEncoder>();
/** Warnings of the part being encoded. */
let warnings: EncoderWarning[] = [];

function encoderOf(id: number): RecordEncoder {
  let encoder = built.get(id);
  if (encoder === undefined) {
    const known = facts.get(id)!;
    factory ??= loadEncoderFactory(encoderModule);
    encoder = buildStreamEncoder(factory, known.stream, known.facts, (fields, message) =>
      warnings.push({ fields, message }),
    );
    built.set(id, encoder);
  }
  return encoder;
}

function encodePart(request: PartRequest): { reply: PartReply; transfer: ArrayBuffer[] } {
  warnings = [];
  try {
    const part = encodeLines(encoderOf(request.encoder), request, request.failFast, reasonOf);
    const transfer = part.pieces.map((piece) => piece.buffer as ArrayBuffer);
    const reply = {
      job: request.job,
      pieces: part.pieces,
      notes: part.notes,
      rejected: part.rejected,
      warnings,
    };
    return { reply, transfer: [...new Set(transfer)] };
  } catch (error) {
    const stack = error instanceof Error ? error.stack : undefined;
    return { reply: { job: request.job, failure: { ...reasonOf(error), stack } }, transfer: [] };
  }
}

parentPort!.on('message', (request: EncodeRequest) => {
  switch (request.type) {
    case 'encoder':
      facts.set(request.id, { stream: request.stream, facts: request.facts });
      return;
    case 'drop':
      facts.delete(request.id);
      built.delete(request.id);
      return;
    case 'part': {
      const { reply, transfer } = encodePart(request);
      parentPort!.postMessage(reply, transfer);
    }
  }
});
