import { HandlerError, describeError } from '../errors';

/**
 * Calls a stream's hook (`@OnSchema`, `@OnActivateVersion`); a failure becomes an `ERR_HANDLER_FAILED` naming the
 * hook, the input line and the stream.
 *
 * @example
 * ```ts
 * await callStreamHook('OnSchema', { stream: 'users', line: 3, inputName: 'stdin' }, () => handlers.onSchema!(context));
 * ```
 */
export async function callStreamHook<T>(
  hook: string,
  where: { stream: string; line: number; inputName: string },
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const { stream, line, inputName } = where;
    throw new HandlerError(
      'ERR_HANDLER_FAILED',
      `${inputName} line ${line}: @${hook} for stream "${stream}" failed: ${describeError(error)}`,
      error,
      { line, stream },
    );
  }
}
