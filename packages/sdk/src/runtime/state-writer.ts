import type { Writable } from 'node:stream';
import type { RunSummary } from '../contexts';
import type { CheckpointLedger } from './checkpoint-ledger';
import { writeLine } from './write-line';

/** Where released states go. */
export interface StateWriterOptions {
  ledger: CheckpointLedger;
  output: Writable;
  summary: RunSummary;
  /** Called after each STATE line was written (e.g. to also write a state file). */
  onState: ((text: string) => void | Promise<void>) | undefined;
  /** Makes what the states cover durable first (the dead-letter file). */
  beforeWrite: () => void;
  halted: () => boolean;
  /** stdout refused the write (its reader went away). */
  onOutputClosed: () => void;
}

/**
 * Writes the newest state the ledger releases to stdout. Runs inside the export queue, so states leave in order.
 *
 * @example
 * ```ts
 * const writer = new StateWriter({ ledger, output: process.stdout, summary, ... });
 * await writer.release(); // writes '{"users":2}\n' once nothing before it is outstanding
 * ```
 */
export class StateWriter {
  constructor(private readonly options: StateWriterOptions) {}

  readonly release = async (): Promise<void> => {
    const { ledger, output, summary, onState, halted } = this.options;
    // Once the run has failed nothing more is written, even a state whose own records did get exported; and
    // stdout reports EPIPE once, as an 'error' event, then neither closes nor drains: never wait on it again.
    if (halted()) return;
    const text = ledger.release();
    if (text === undefined) return;
    this.options.beforeWrite();
    try {
      await writeLine(output, text);
    } catch {
      this.options.onOutputClosed();
      return;
    }
    summary.statesEmitted++;
    await onState?.(text);
  };
}
