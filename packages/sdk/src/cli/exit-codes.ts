import { ConfigError, SdkError, UsageError } from '../errors';

/** Exit codes, documented in docs/command-line.md. */
export const EXIT = { ok: 0, failed: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

/**
 * The exit code for an error: 2 for a wrong command line or config, 1 for everything else (bad input data, a
 * destination failure, an unexpected error).
 *
 * @example
 * ```ts
 * exitCodeFor(new UsageError('--config needs a value')); // 2
 * ```
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError) return EXIT.usage;
  if (error instanceof SdkError) return EXIT.failed;
  return EXIT.failed;
}
