import { EXIT } from './exit-codes';

/** The exit code of an interrupted run: 130 for SIGINT, 143 for SIGTERM (128 + the signal's number). */
export function interruptedExitCode(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
}

/** What {@link watchSignals} gives back. */
export interface SignalWatch {
  /** Aborted on the first SIGINT or SIGTERM; pass it to `runDestination`. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: 'SIGINT' | 'SIGTERM' | undefined;
  /** Removes the handlers. */
  dispose(): void;
}

/** What to do on each signal. */
export interface SignalHandlers {
  /** First signal: the run is asked to stop gracefully (stop reading, flush, write safe states). */
  onFirst(signal: 'SIGINT' | 'SIGTERM'): void;
  /** Second signal: exit at once with the given code, writing nothing more. */
  onSecond(signal: 'SIGINT' | 'SIGTERM', exitCode: number): void;
}

/**
 * Installs SIGINT and SIGTERM handlers for one run. The first signal aborts the returned signal (graceful stop);
 * a second one calls `onSecond`, which exits at once.
 *
 * @example
 * ```ts
 * const watch = watchSignals({ onFirst: (s) => logger.warn(`${s}: stopping`), onSecond: (_s, code) => process.exit(code) });
 * await runDestination(Dest, { input, signal: watch.signal });
 * ```
 */
export function watchSignals(handlers: SignalHandlers, target: NodeJS.EventEmitter = process): SignalWatch {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  const handle = (signal: 'SIGINT' | 'SIGTERM') => {
    if (received === undefined) {
      received = signal;
      handlers.onFirst(signal);
      controller.abort();
      return;
    }
    handlers.onSecond(signal, interruptedExitCode(signal));
  };
  const onInt = () => handle('SIGINT');
  const onTerm = () => handle('SIGTERM');
  target.on('SIGINT', onInt);
  target.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      target.off('SIGINT', onInt);
      target.off('SIGTERM', onTerm);
    },
  };
}
