import type { EncoderModule } from '../encoder';
import { DestinationError, SdkError } from '../errors';
import type { PartLines } from './encode-lines';

/**
 * The messages between the encode stage and its worker threads (encode-worker.ts). Everything here survives
 * structured cloning; a batch's lines travel as shared memory, and encoded pieces come back transferred, so
 * neither is copied.
 */

/** Given to a worker when it starts. */
export interface EncodeWorkerData {
  encoder: EncoderModule;
}

/** A stream's encoder facts, sent before the first part that uses them. */
export interface EncoderRequest {
  type: 'encoder';
  id: number;
  stream: string;
  facts: unknown;
}

/** The stream's encoder was replaced (a new schema or state): forget it, after the parts already sent. */
export interface DropRequest {
  type: 'drop';
  id: number;
}

/** Encode a run of a batch's records (its per-record facts as typed arrays of the run alone). */
export interface PartRequest extends PartLines {
  type: 'part';
  job: number;
  encoder: number;
  lineNumbers: Float64Array;
  receivedAt: Float64Array;
  exactNumbers: Uint8Array;
  failFast: boolean;
}

export type EncodeRequest = EncoderRequest | DropRequest | PartRequest;

/** Why a record was refused, as far as it survives the thread boundary (class and prototype do not). */
export interface RejectionReason {
  message: string;
  code: string | undefined;
  name: string;
}

/** A warning an encoder logged (`EncoderTools.warn`), logged by the main thread. */
export interface EncoderWarning {
  fields: Record<string, unknown>;
  message: string;
}

/** The answer to a {@link PartRequest}. */
export type PartReply =
  | {
      job: number;
      pieces: Uint8Array[];
      notes: unknown;
      rejected: { index: number; error: RejectionReason }[];
      warnings: EncoderWarning[];
    }
  | { job: number; failure: RejectionReason & { stack: string | undefined } };

/**
 * An error that crossed a thread, rebuilt on the main thread, one rule for refused records and failures alike: a
 * coded one keeps its code (so the CLI names it): the SDK's own `ERR_INVALID_DESTINATION` (an encoder module it
 * could not load) as an SdkError, any other code as the DestinationError it was; an uncoded one is an Error of
 * its name. The stack, when it came along, is the thread's.
 *
 * @example
 * ```ts
 * rebuildError({ message: 'no column list', code: undefined, name: 'TypeError' }); // a TypeError-named Error
 * ```
 */
export function rebuildError(reason: RejectionReason & { stack?: string | undefined }): Error {
  const { message, code, name, stack } = reason;
  let error: Error;
  if (code === 'ERR_INVALID_DESTINATION') error = new SdkError(code, message);
  else if (code !== undefined) error = new DestinationError(code, message);
  else error = new Error(message);
  if (code !== 'ERR_INVALID_DESTINATION') error.name = name;
  if (stack !== undefined) error.stack = stack;
  return error;
}

/** What is left of an error once it crossed a thread. */
export function reasonOf(error: unknown): RejectionReason {
  const { message, code, name } = (error ?? {}) as { message?: unknown; code?: unknown; name?: unknown };
  return {
    message: error instanceof Error ? String(message) : String(error),
    code: typeof code === 'string' ? code : undefined,
    name: typeof name === 'string' ? name : 'Error',
  };
}
